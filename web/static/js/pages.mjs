// The pages: path (exact, or ending in "/*" for a parameter, which render() finds in ctx.rest),
// the module (relative to this file), the nav entry's catalog key (none: not in the nav), and
// who may see it: 'public', 'enterprise', 'regulator', 'admin' (the kinds of GET /v1/me).
const everyone = ['public', 'enterprise', 'regulator', 'admin'];

export const pages = [
  {path: '/', module: './pages/home.mjs', nav: 'nav.home', who: everyone},
  {path: '/outlets', module: './pages/outlets.mjs', nav: 'nav.outlets', who: everyone},
  {path: '/signin', module: './pages/signin.mjs', who: everyone},
  {path: '/app/overview', module: './pages/overview.mjs', nav: 'nav.overview', who: ['regulator', 'admin']},
  {path: '/app/flows', module: './pages/flows.mjs', nav: 'nav.flows', who: ['regulator', 'admin']},
  {path: '/app/findings', module: './pages/findings.mjs', nav: 'nav.findings', who: ['enterprise', 'regulator', 'admin']},
  {path: '/app/obligations', module: './pages/obligations.mjs', nav: 'nav.obligations', who: ['enterprise', 'regulator', 'admin']},
  {path: '/app/battery/*', module: './pages/timeline.mjs', who: ['enterprise', 'regulator', 'admin']},
  {path: '/app/vehicle/*', module: './pages/timeline.mjs', who: ['enterprise', 'regulator', 'admin']},
  {path: '/app/audit', module: './pages/audit.mjs', nav: 'nav.audit', who: ['admin']},
  {path: '/app/tokens', module: './pages/tokens.mjs', nav: 'nav.tokens', who: ['admin']},
  {path: '/app/upload', module: './pages/upload.mjs', nav: 'upload.nav', who: ['enterprise']},
  {path: '/app/batteries', module: './pages/mine.mjs', nav: 'mine.nav_batteries', who: ['enterprise', 'admin']},
  {path: '/app/vehicles', module: './pages/mine.mjs', nav: 'mine.nav_vehicles', who: ['enterprise', 'admin']},
];
