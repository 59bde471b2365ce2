#include "core/rule_text.h"

#include <algorithm>

namespace battrace {

const std::vector<RuleText>& RuleCatalogue() {
  static const std::vector<RuleText> catalogue = {
      // The rules every strict JSON reader shares (report, registry, rules, calendar files).
      {"*.json", "内容不是有效的 JSON（或不是 UTF-8）", "the text must be valid JSON in UTF-8"},
      {"*.too_large", "内容超过大小上限", "the text must not exceed its size limit"},
      {"*.required", "缺少必填字段", "a required field must be present"},
      {"*.unknown_field", "含有未定义的字段", "only the fields the format defines are allowed"},
      {"*.duplicate_field", "同一对象中字段重复", "a field may appear only once in an object"},
      {"*.type", "字段的 JSON 类型不符", "a field must have the JSON type the format gives it"},
      {"*.empty", "字段不得为空", "a field must not be empty"},
      {"*.too_long", "字段超过长度上限", "a field must not exceed its length limit"},
      {"*.too_many", "元素数量超过上限", "a list must not exceed its number of elements"},
      {"*.characters", "字段含有不允许的字符", "a field may hold only the characters it allows"},
      {"*.enum", "取值不在允许的列表中", "a value must be one of those the format lists"},
      {"*.range", "数值超出允许范围", "a number must lie in its allowed range"},
      {"*.format", "格式不符合规定", "a value must be spelled as the format gives it"},
      // Identifiers (GB/T 34014 battery codes, VINs, credit codes, divisions, dates).
      {"battery_code.length", "电池编码长度不符合 GB/T 34014",
       "a battery code has the length GB/T 34014 gives"},
      {"battery_code.lines", "电池编码分两行扫描，已合并为一行读取",
       "a battery code scanned on two lines is read as one"},
      {"battery_code.recode", "电池编码为梯次利用再生编码",
       "a battery code is read as a recode of a repurposed battery"},
      {"battery_code.url", "电池编码取自标签网址 /b/{编码}",
       "a battery code is read from its label URL /b/{code}"},
      {"battery_code.manufacturer", "电池编码的厂商代码不符合规定",
       "a battery code's manufacturer code must be well-formed"},
      {"battery_code.product_type", "电池编码的产品类型代码无效",
       "a battery code's product type must be a valid code"},
      {"battery_code.chemistry", "电池编码的电池类型代码无效",
       "a battery code's chemistry must be a valid code"},
      {"battery_code.specification", "电池编码的规格代码不符合规定",
       "a battery code's specification must be well-formed"},
      {"battery_code.traceability", "电池编码的追溯信息代码不符合规定",
       "a battery code's traceability part must be well-formed"},
      {"battery_code.year", "电池编码的生产年份代码无效",
       "a battery code's year must be a valid code"},
      {"battery_code.month", "电池编码的生产月份代码无效",
       "a battery code's month must be a valid code"},
      {"battery_code.day", "电池编码的生产日代码无效", "a battery code's day must be a valid code"},
      {"battery_code.date_exists", "电池编码的生产日期不存在",
       "a battery code's production date must exist"},
      {"battery_code.serial", "电池编码的序列号不符合规定",
       "a battery code's serial number must be well-formed"},
      {"battery_code.recode_mark", "梯次利用电池编码的再生标识无效",
       "a recoded battery code's mark must be valid"},
      {"battery_code.recode_product_type", "梯次利用电池编码的产品类型无效",
       "a recoded battery code's product type must be valid"},
      {"vin.length", "车辆识别代号（VIN）须为 17 位", "a VIN has 17 characters"},
      {"vin.alphabet", "车辆识别代号（VIN）含有不允许的字符",
       "a VIN uses digits and capital letters other than I, O and Q"},
      {"vin.check_digit", "车辆识别代号（VIN）校验位错误",
       "a VIN's check digit must match (GB 16735)"},
      {"vin.model_year", "车辆识别代号（VIN）的年份代码无效",
       "a VIN's model year must be a valid code"},
      {"uscc.division", "统一社会信用代码第 3-8 位的行政区划代码不在 GB/T 2260 列表中",
       "a credit code's positions 3-8 are a GB/T 2260 division"},
      {"uscc.organization_code", "统一社会信用代码中组织机构代码的校验码错误（GB 11714）",
       "a credit code's organisation code carries its GB 11714 check character"},
      {"uscc.length", "统一社会信用代码须为 18 位",
       "a unified social credit code has 18 characters"},
      {"uscc.alphabet", "统一社会信用代码含有不允许的字符",
       "a unified social credit code uses only the characters GB 32100 allows"},
      {"uscc.check_character", "统一社会信用代码校验码错误",
       "a unified social credit code's check character must match (GB 32100)"},
      {"gtin.length", "GTIN 须为 8、12、13 或 14 位数字", "a GTIN has 8, 12, 13 or 14 digits"},
      {"gtin.characters", "GTIN 只能由数字组成", "a GTIN holds digits only"},
      {"gtin.check_digit", "GTIN 校验位错误", "a GTIN's check digit must match (GS1)"},
      {"gs1_serial.length", "GS1 序列号（AI 21）须为 1 至 20 个字符",
       "a GS1 serial (AI 21) has 1 to 20 characters"},
      {"gs1_serial.characters", "GS1 序列号（AI 21）含有字符集 82 以外的字符",
       "a GS1 serial (AI 21) holds only characters of GS1 character set 82"},
      {"cas.format", "CAS 登记号须写作 NNNNNNN-NN-N",
       "a CAS Registry Number is written NNNNNNN-NN-N"},
      {"cas.check_digit", "CAS 登记号校验位错误", "a CAS Registry Number's check digit must match"},
      {"division.format", "行政区划代码须为 6 位数字",
       "a division code has six digits (GB/T 2260)"},
      {"division.unknown", "行政区划代码不在 GB/T 2260 中",
       "a division code must be listed in GB/T 2260"},
      {"date.format", "日期须写作 YYYY-MM-DD", "a date is spelled YYYY-MM-DD"},
      {"date.exists", "日期不存在", "a date must exist in the calendar"},
      {"timestamp.format", "时间须写作 RFC 3339 格式", "a time is spelled as RFC 3339 gives it"},
      {"period.format", "期限格式不符合规定",
       "a period is spelled <n>d, <n>wd, <n>m or next-month-<n>"},
      {"period.range", "期限数值超出允许范围", "a period's number must lie in its allowed range"},
      // Reports and their ingest.
      {"report.type", "报告类型未定义", "a report's type must be one of the report types"},
      {"report.unknown_field", "报告含有未定义的字段",
       "a report holds only the fields of its type"},
      {"report.conflict", "同一报告编号已以不同内容提交",
       "a report id may be re-sent only with the same content"},
      {"report.raw_scan", "扫码原文与编码不一致",
       "a raw scan must carry the code it is given with"},
      {"report.replay_only", "该字段仅在回放导入时允许",
       "this field is allowed only when replaying"},
      {"report.product_type", "电池编码的产品类型与字段不符",
       "a battery code's product type must fit the field"},
      {"report.origin_kind", "仅有来源电池编码（origin_codes）时才可填写来源方式",
       "origin_kind is given only with origin_codes"},
      {"report.no_measurement", "电池健康报告须至少包含一项测量值",
       "a battery.health report carries at least one measurement"},
      {"report.measured_date", "测量时间（北京时间）所在日期须与发生日期一致",
       "a measurement's Beijing date is the report's occurred date"},
      {"report.measured_future", "测量时间不得晚于报送时间",
       "a measurement is not after the report's receipt"},
      {"correction.original_unknown", "被更正的报告不存在",
       "a correction must name a stored report of its reporter"},
      {"correction.type_mismatch", "更正报告与原报告类型不一致",
       "a correction must keep the type of the report it corrects"},
      {"csv.header", "CSV 表头不符合规定",
       "a CSV file starts with a header of known, distinct columns"},
      {"csv.type", "行的报告类型与所上传文件的报告类型不一致",
       "a row's report type is the type of the file it is uploaded in"},
      {"csv.columns", "CSV 行的列数与表头不一致", "a CSV row has as many columns as the header"},
      {"csv.quote", "CSV 引号使用错误", "a CSV field is quoted as RFC 4180 gives it"},
      {"csv.excel_date", "日期不是有效的 Excel 日期序号",
       "an Excel serial day number must name a real date"},
      {"csv.scientific_notation",
       "编码被 Excel 转为科学计数法：请将该列设为文本格式后重新录入或导出",
       "Excel turned the column into a number: format the column as Text and re-enter or "
       "re-export the values"},
      {"replay.window", "回放的报送时间须在最后一个账本叶子的时间与当前时间之间（空账本除外）",
       "replayed receipt times lie between the last leaf's time and now, unless the store holds "
       "no reports"},
      {"csv.encoding", "CSV 文件须为 UTF-8 或 GB 18030（GBK）编码",
       "a CSV file is UTF-8 or GB 18030 (GBK)"},
      {"ingest.line_too_long", "单行超过 1 MiB", "a line must not exceed 1 MiB"},
      {"epcis.unmapped", "导入的 EPCIS 事件须能对应为一种报告类型（docs/epcis.md）",
       "an imported EPCIS event must map back to a report type (docs/epcis.md)"},
      {"json.syntax", "JSON 语法错误", "the text must be valid JSON"},
      {"json.utf8", "JSON 文本须为有效的 UTF-8", "JSON text must be valid UTF-8"},
      {"json.type", "JSON 值的类型不符", "a JSON value must have the expected type"},
      {"json.number", "JSON 数值格式不符合规定",
       "a JSON number must be an integer in canonical form"},
      {"json.number.range", "JSON 数值超出可精确表示的范围", "a JSON number must lie within ±2^53"},
      // The registry.
      {"registry.enterprise", "企业登记记录不符合规定",
       "an enterprise record must follow the registry format"},
      {"registry.regulator", "监管部门登记记录不符合规定",
       "a regulator record must follow the registry format"},
      {"registry.required", "登记记录缺少必填字段",
       "a registry record must carry its required fields"},
      {"registry_leaf.conflict", "登记变更与已记录的版本冲突",
       "a registry change must not conflict with a recorded version"},
      {"registry_leaf.invalid", "登记变更记录无效", "a registry change must be a valid record"},
      // The rule files and the holiday calendar.
      {"rules.unknown_duty", "规则文件中的义务编号未定义",
       "a rule's duty must be one of the duty keys"},
      {"rules.duplicate_duty", "同一规则集中义务重复", "a duty is given once per regime"},
      {"rules.duplicate_regime", "规则集名称重复", "a regime's name is unique in the directory"},
      {"rules.overlap", "两个规则集的生效期间重叠",
       "two regimes must not be in force on a common day"},
      {"rules.effective_range", "失效日期须晚于生效日期",
       "effective_to must come after effective_from"},
      {"rules.report_type", "规则的报告类型无效",
       "a rule's report type must be a report type other than correction"},
      {"rules.role", "规则的主体角色无效", "a rule's role must be a role name"},
      {"rules.duplicate_role", "规则中主体角色重复", "a rule lists a role once"},
      {"rules.role_may_not_file", "该角色不得提交此类报告",
       "a rule's roles must be allowed to file its report type"},
      {"rules.note_required", "可配置的期限须附说明",
       "a configurable period needs a note saying why"},
      {"calendar.json", "节假日日历不是有效的 JSON", "a holiday calendar file must be valid JSON"},
      {"calendar.type", "节假日日历字段类型不符",
       "a holiday calendar field must have its JSON type"},
      {"calendar.unknown_field", "节假日日历含有未定义的字段",
       "a holiday calendar holds only its defined fields"},
      {"calendar.missing_field", "节假日日历缺少必填字段",
       "a holiday calendar must carry its required fields"},
      {"calendar.duplicate_key", "节假日日历中字段重复", "a holiday calendar field appears once"},
      {"calendar.year", "节假日日历的年份无效", "a holiday calendar's year must be valid"},
      {"calendar.date_year", "节假日日期不在该日历年份内",
       "a holiday calendar's dates lie in its year"},
      {"calendar.duplicate_year", "同一年份的节假日日历重复", "a year has one holiday calendar"},
      {"calendar.range_order", "节假日期间的结束日早于开始日",
       "a holiday range ends on or after its start"},
      {"calendar.overlap", "节假日期间重叠", "holiday ranges must not overlap"},
      {"calendar.make_up_duplicate", "调休工作日重复", "a make-up working day is listed once"},
      {"calendar.make_up_holiday", "调休工作日不得落在节假日内",
       "a make-up working day must not be a holiday"},
      {"calendar.make_up_weekday", "调休工作日须为周末",
       "a make-up working day must fall on a weekend"},
      // EPCIS 2.0 documents (src/epcis/document.cc, json_schema.cc).
      {"epcis.json", "EPCIS 文档不是有效的 JSON（或同一对象中键重复、嵌套过深）",
       "an EPCIS document must be valid JSON in UTF-8, each key once per object, not too deep"},
      {"epcis.document", "不是 EPCIS 文档（type 须为 EPCISDocument 或 EPCISQueryDocument）",
       "an EPCIS document's type must be EPCISDocument or EPCISQueryDocument"},
      {"epcis.schema", "不符合 GS1 EPCIS 2.0 JSON 模式",
       "an EPCIS document must meet GS1's EPCIS 2.0 JSON schema"},
      {"epcis.extension", "用户扩展字段须带命名空间前缀（前缀在 @context 中声明）",
       "a user extension field must be namespaced, its prefix declared in @context"},
      // The XML binding (src/epcis/xml.cc).
      {"epcis.xml", "EPCIS XML 文档格式不正确，或含有 DOCTYPE 声明、实体，或超出大小、嵌套深度上限",
       "an EPCIS XML document must be well-formed XML without DTD declarations or entities, "
       "within the size and depth limits"},
      {"epcis.xsd", "EPCIS XML 文档不符合 EPCIS 2.0 XSD（元素顺序、命名空间、取值）",
       "an EPCIS XML document must be valid against the EPCIS 2.0 XSD: element order, "
       "namespaces, values"},
      // The ledger: hashes, keys, signed notes, checkpoints, proofs, receipts, witnesses.
      {"base64", "不是规范的 base64 编码", "the value must be canonical padded base64"},
      {"hex", "不是十六进制编码", "the value must be hexadecimal"},
      {"hash.length", "哈希值长度错误", "a hash has 32 bytes"},
      {"key.format", "密钥格式不符合规定", "a key must follow the signed-note key format"},
      {"key.name", "密钥名称无效", "a key name must be a valid signed-note key name"},
      {"key.id", "密钥标识与密钥不符", "a key id must match its key"},
      {"key.type", "密钥类型不受支持", "a key must be of a supported type (Ed25519)"},
      {"note.format", "签名文本格式不符合规定", "a signed note must follow the signed-note format"},
      {"note.signature", "签名无效", "a signed note's signature must verify"},
      {"note.unsigned", "签名文本未经所需密钥签名",
       "a signed note must be signed by the expected key"},
      {"note.cosignature", "见证签名无效", "a cosignature must verify against the note"},
      {"checkpoint.format", "检查点格式不符合规定",
       "a checkpoint must follow the C2SP checkpoint format"},
      {"checkpoint.root", "检查点的根哈希与账本不符", "a checkpoint's root must match the ledger"},
      {"checkpoint.audit", "检查点的审计扩展行不符合规定",
       "a checkpoint's audit line must be well-formed"},
      {"cosignature.format", "见证签名格式不符合规定", "a cosignature must follow the C2SP format"},
      {"proof.range", "证明请求的范围无效", "a proof asks for leaves and sizes within the ledger"},
      {"proof.shape", "证明的结构不符合规定", "a proof must have the shape RFC 9162 gives it"},
      {"receipt.member", "回执缺少或多出成员", "a receipt carries exactly its defined members"},
      {"receipt.type", "回执成员类型不符", "a receipt member must have its JSON type"},
      {"witness.request", "见证请求不符合规定", "a witness request must follow the C2SP protocol"},
      {"witness.answer", "见证方的答复不符合规定",
       "a witness answer must follow the C2SP protocol"},
      {"witness.cosignature", "见证签名无效", "a witness's cosignature must verify"},
      {"witness.size", "见证请求的账本规模无效", "a witness request's sizes must be consistent"},
      {"witness.url", "见证方地址无效", "a witness URL must be an http(s) URL"},
      {"witness.arg", "见证参数无效", "a witness argument must be valid"},
      // Access, authorization and the HTTP API.
      {"auth.token", "访问令牌无效、已过期或已撤销",
       "a request carries a valid, unexpired, unrevoked bearer token"},
      {"auth.principal", "令牌主体格式无效",
       "a token's principal is admin, enterprise:<USCC> or regulator:<id>"},
      {"auth.unregistered_principal", "令牌主体未在登记册中登记",
       "a token's principal must be registered"},
      {"auth.days", "令牌有效天数超出允许范围",
       "a token's validity in days must lie in its allowed range"},
      {"auth.role", "报告主体的登记角色无权提交此类报告",
       "a reporter's registered role must allow it to file the report type"},
      {"auth.reporter", "只能以令牌所属企业的名义提交报告",
       "an enterprise files reports only in its own name"},
      {"auth.unregistered", "报告主体未登记", "a reporter must be a registered enterprise"},
      {"auth.csrf", "登录会话的写请求须带 X-Battrace-CSRF: 1 且来自本站",
       "a request a session signs must carry X-Battrace-CSRF: 1 and come from this site"},
      {"session.body", "登录请求体须为 {\"token\": \"btk_...\"}",
       "a sign-in body is a JSON object holding the token"},
      {"session.capacity", "服务器的登录会话已满，请稍后再登录",
       "sign-in waits while the server holds its limit of sessions"},
      {"tokens.id", "令牌编号须为令牌列表给出的 16 位十六进制数",
       "a token id is the 16 hexadecimal digits the token list gives"},
      {"tokens.body", "签发令牌的请求体须为 {\"principal\": ..., \"days\": N}",
       "a token request is a JSON object with a principal and its days"},
      {"audit.paging", "审计记录按 after 正序或按 before 倒序（order=desc）分页",
       "the audit trail pages by after in ascending order, by before in descending"},
      {"access.purpose_required", "读取该信息须说明目的",
       "reading this information needs a stated purpose"},
      {"api.purpose", "读取目的说明无效", "a stated purpose must be short, printable text"},
      {"api.body", "请求体不是有效的报告批次", "a request body must be a valid batch of reports"},
      {"api.body_too_large", "请求体超过大小上限", "a request body must not exceed its size limit"},
      {"api.batch_too_large", "批次中的报告数量超过上限",
       "a batch must not exceed its number of reports"},
      {"api.rate_limit", "请求过于频繁", "a client must stay within its request rate"},
      {"api.downloads", "同时进行的 CSV 下载已达上限，请稍后再试",
       "the server streams a limited number of CSV downloads at once"},
      {"reports.type", "报告类型参数仅用于 CSV 文件",
       "the type parameter names the report type of a CSV body"},
      {"query.required", "缺少必填的查询参数", "a required query parameter must be given"},
      {"query.integer", "查询参数须为范围内的整数",
       "a query parameter must be an integer in its range"},
      {"query.cursor", "分页游标无效：须原样使用同一查询上一页返回的 next_cursor",
       "a cursor must be the next_cursor of the previous page of the same query, unchanged"},
      {"query.unknown_parameter", "查询参数未定义",
       "only the query parameters the route defines are allowed"},
      {"epcis.query", "EPCIS 查询参数的值无效", "an EPCIS query parameter must have a valid value"},
      {"epcis.media_type", "EPCIS 捕获请求的内容类型不受支持",
       "an EPCIS capture must be sent as JSON, JSON-LD or XML"},
      {"epcis.epc_format", "无法按请求的 GS1-EPC-Format 返回 EPC",
       "the GS1-EPC-Format header must name a format the server offers"},
      {"epcis.capture", "EPCIS 捕获须为不超过事件数上限的 EPCISDocument",
       "an EPCIS capture must be an EPCISDocument within the event limit"},
      {"http.method", "该路径不支持此请求方法", "a route answers only its methods"},
      {"http.request", "HTTP 请求不符合规定", "a request must be well-formed HTTP/1.1"},
      {"http.head_too_large", "HTTP 请求头超过大小上限",
       "a request head must not exceed its size limit"},
      {"http.utf8", "请求目标或请求头不是有效的 UTF-8",
       "a request's target and headers must be valid UTF-8"},
      {"http.timeout", "请求未在时限内完成", "a request must arrive within the time limit"},
      {"http.capacity", "服务器连接数已满", "the server takes a limited number of connections"},
      {"findings.kind", "发现类型未定义", "a finding kind must be one of the finding kinds"},
      {"findings.department", "主管部门未定义",
       "a department must be one of MIIT, MOFCOM, NDRC, MEE, MOT, SAMR"},
      {"findings.range", "起始日期晚于截止日期", "from must not come after to"},
      {"query.month", "月份须为 YYYY-MM 格式", "a month must be written YYYY-MM"},
      {"stats.months", "趋势的月份跨度超过上限", "a trend must not span more than 120 months"},
      {"obligations.type", "报告类型未定义", "a duty's type must be one of the report types"},
      {"obligations.range", "到期起始日期晚于到期截止日期", "due_from must not come after due_to"},
      // Operation: the command line, the store, the server, the simulator.
      {"usage", "命令行参数使用错误", "the command's options must be used as its help says"},
      {"lang.unknown", "语言须为 en 或 zh-CN", "a language is en or zh-CN"},
      {"store.location", "存储位置无效", "a store is named by exactly one of --db and --pg"},
      {"store.unavailable", "暂时无法连接数据库，请重试该请求（重复提交同一批报告是安全的）",
       "the database could not be reached or the connection was lost; retry the request (sending "
       "the same batch again is safe)"},
      {"label.base_url",
       "标签网址的基础地址须为 http:// 或 https:// 加主机名，不含查询串、片段或空白",
       "a label's base URL is http:// or https:// and a host, without query, fragment or spaces"},
      {"label.too_long", "内容超出二维码（纠错等级 M）的容量",
       "a QR code at error correction level M holds at most 2331 bytes"},
      {"http.host", "请求头 Host 须为主机名（可带端口）",
       "the Host header names a host, and a port"},
      {"passport.province", "所选地区须为省级行政区划（代码以 0000 结尾）",
       "the outlets of a passport page are chosen by a province, a code ending in 0000"},
      {"passport.format", "参数 format 须为 json 或 html",
       "a passport's format is json (the EU battery passport) or html (the page)"},
      {"serve.listen", "监听地址无效", "a listen address is HOST:PORT or [IPv6]:PORT"},
      {"serve.tls", "TLS 配置无效", "TLS needs a readable certificate and key"},
      {"serve.pg_read", "--pg-read 须为 --pg 数据库的备库",
       "--pg-read names a standby of the --pg database"},
      {"sim.range", "模拟参数超出范围", "a simulation parameter must lie in its range"},
  };
  return catalogue;
}

std::optional<std::string_view> RuleSentence(std::string_view rule, Lang lang) {
  const auto& catalogue = RuleCatalogue();
  auto find = [&](std::string_view id) -> const RuleText* {
    auto it = std::find_if(catalogue.begin(), catalogue.end(),
                           [&](const RuleText& t) { return t.rule == id; });
    return it == catalogue.end() ? nullptr : &*it;
  };
  const RuleText* text = find(rule);
  if (text == nullptr) {
    const size_t dot = rule.rfind('.');
    if (dot != std::string_view::npos) {
      std::string generic = "*";
      generic += rule.substr(dot);
      text = find(generic);
    }
  }
  if (text == nullptr) return std::nullopt;
  return lang == Lang::kZhCn ? text->zh : text->en;
}

std::string_view ErrorTitle(int http_status, Lang lang) {
  const bool zh = lang == Lang::kZhCn;
  switch (http_status) {
    case 400:
      return zh ? "请求有误" : "Bad request";
    case 401:
      return zh ? "需要身份认证" : "Authentication required";
    case 403:
      return zh ? "无权访问" : "Forbidden";
    case 404:
      return zh ? "未找到" : "Not found";
    case 405:
      return zh ? "不支持的请求方法" : "Method not allowed";
    case 408:
      return zh ? "请求超时" : "Request timeout";
    case 409:
      return zh ? "冲突" : "Conflict";
    case 413:
      return zh ? "请求体过大" : "Payload too large";
    case 429:
      return zh ? "请求过于频繁" : "Too many requests";
    case 431:
      return zh ? "请求头过大" : "Request header fields too large";
    case 503:
      return zh ? "服务暂不可用" : "Service unavailable";
    default:
      if (http_status >= 500) return zh ? "服务器内部错误" : "Internal server error";
      return zh ? "错误" : "Error";
  }
}

std::string LocalizedError(const Status& status, Lang lang) {
  std::string out;
  if (!status.field().empty()) out += status.field() + ": ";
  const auto sentence = lang == Lang::kZhCn && !status.rule().empty()
                            ? RuleSentence(status.rule(), lang)
                            : std::nullopt;
  if (sentence) {
    out += *sentence;
    out += "（";
    out += status.message();
    out += "）";
  } else {
    out += status.message();
  }
  if (!status.rule().empty()) out += " [" + status.rule() + "]";
  return out;
}

}  // namespace battrace
