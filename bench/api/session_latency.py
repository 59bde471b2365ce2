#!/usr/bin/env python3
"""What a browser session costs a request: GET /v1/me as the public, with a bearer token and
with the session cookie (each checks its token in the store), 2,000 sequential requests each on
one keep-alive connection, p50 and p99; and the mean time of a sign-in (POST /v1/session).

usage: session_latency.py BATTRACE STORE_DB   (a store with tokens.json beside it, such as the
       browser tests' fixture: scripts/web_fixture.sh build/release/battrace build/release/web-fixture)
"""
import http.client, json, re, subprocess, sys, time
bin_, db = sys.argv[1:3]
tokens = json.load(open(db.rsplit('/', 1)[0] + '/tokens.json'))
p = subprocess.Popen([bin_, 'serve', '--db', db, '--listen', '127.0.0.1:0', '--quiet', '--rate-limit', '0', '--address-rate-limit', '0'], stdout=subprocess.PIPE, text=True)
port = int(re.search(r':(\d+)/', p.stdout.readline()).group(1))
conn = http.client.HTTPConnection('127.0.0.1', port)
def req(method, path, headers, body=None):
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse(); data = r.read(); return r, data
r, _ = req('POST', '/v1/session', {'X-Battrace-CSRF': '1', 'Content-Type': 'application/json'}, json.dumps({'token': tokens['regulator_provincial']}))
cookie = r.getheader('Set-Cookie').split(';')[0]
def bench(headers, n=2000):
    out = []
    for _ in range(n):
        t = time.perf_counter(); req('GET', '/v1/me', headers); out.append((time.perf_counter() - t) * 1000)
    out.sort(); return out[len(out)//2], out[int(len(out)*0.99)]
for name, h in (('public', {}), ('bearer', {'Authorization': 'Bearer ' + tokens['regulator_provincial']}), ('session cookie', {'Cookie': cookie})):
    bench(h, 200)
    p50, p99 = bench(h)
    print(f'GET /v1/me {name:15s} p50 {p50:.3f} ms  p99 {p99:.3f} ms (2000 sequential requests)')
t = time.perf_counter()
for _ in range(200):
    r, _ = req('POST', '/v1/session', {'X-Battrace-CSRF': '1', 'Content-Type': 'application/json'}, json.dumps({'token': tokens['admin']}))
print(f'POST /v1/session: {(time.perf_counter()-t)/200*1000:.3f} ms mean over 200 sign-ins')
p.terminate(); p.wait()
