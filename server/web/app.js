// The rxflow workbench (API.md §12): a page that talks only to the public API with the member's
// session (the HttpOnly cookie plus X-CSRF-Token). Nothing about a patient is kept in the browser
// beyond the page in view; the CSRF token and the language are the only things remembered.
"use strict";

const WORDS = {
  "zh-CN": {
    title: "rxflow 工作台", login: "账号", password: "密码", signIn: "登录", logout: "退出登录", lang: "English",
    received: "接收时间", rxNo: "处方", drugs: "药品", state: "状态",
    routed: "待接单", accepted: "已接单", approved: "审方通过", in_delivery: "配送中", dispensed: "已发药",
    delivered: "已送达", delivery_failed: "配送失败", rejected: "已驳回", cancelled: "已取消", expired: "已过期",
    active: "待流转", accept: "接单", approve: "审方通过", reject: "驳回", reasonCode: "驳回原因", reason: "说明",
    out_of_stock: "缺货", cannot_fulfil: "无法配送", clinical: "用药不适宜", confirmReject: "确认驳回该处方？",
    pay: "登记自费支付", total: "金额（元）", paid: "已支付", dispense: "发药", pickupCode: "取药码",
    batchNo: "批号", expiryDate: "有效期至", handover: "交给骑手", courier: "配送公司", patient: "患者",
    doctor: "医生", validUntil: "有效期至", history: "记录", attemptsLeft: "还可尝试 {n} 次",
    locked: "已锁定，请联系开方医生", reviewer: "审方药师", yes: "确认", no: "取消",
    picked_up: "已取件", in_transit: "运输中", handed_over: "待取件", failed: "配送失败", proofCode: "签收码",
    note: "备注", confirmFailed: "确认配送失败？", day: "日期", settlements: "当日结算", statement: "对账单",
    upload: "上传对账单", matched: "一致", platform: "平台", bureauSide: "医保局", download: "下载差异 CSV",
    auditVerify: "审计校验", staff: "人员", create: "新建", deactivate: "停用", confirmDeactivate: "确认停用该人员？",
    deadLetters: "死信", retry: "重试", active_: "在岗", inactive: "已停用", kind: "类别", org: "所属机构",
    stores: "门店（逗号分隔）", name: "姓名", license: "执业证号", cancel: "取消处方",
    confirmCancel: "确认取消该处方？", routeAgain: "重新流转", store: "药房",
    pharmacist: "药师", clerk: "店员", doctorKind: "医生", rider: "骑手", bureau: "医保经办", operator: "运营",
    allStores: "全部门店", daysShort: "天", hoursShort: "小时", minutesShort: "分", acceptIn: "接单剩余", expiresIn: "有效期剩余",
    years: "岁", sexM: "男", sexF: "女", pickup: "到店自取", delivery: "配送", unpaid: "未支付", mode: "取药方式",
    timeLeft: "剩余时间", payment: "支付",
    missing_in_platform: "平台无此笔", missing_in_bureau: "医保局无此笔", amount_mismatch: "金额不符",
    status_mismatch: "状态不符", duplicate_in_statement: "对账单重复", kindOfDiff: "差异类型", settlementId: "结算号",
    fields: "不符项", fund: "统筹", account: "个人账户", cash: "现金", settled: "已结算", reversed: "已冲正",
    pastRuns: "历史对账", runAt: "对账时间", discrepancyCount: "差异数", open: "查看",
    clinics: "诊所", doctors: "医生", pharmacies: "药房", couriers: "配送公司", id: "编号", region: "区划代码",
    district: "区县代码", lat: "纬度", lon: "经度", chain: "连锁", adapter: "对接方式", adapterType: "对接方式",
    adapterUrl: "对接地址", adapterSecret: "对接密钥", stockAge: "库存更新", never: "从未", ago: "前", webhook: "回调地址",
    clinicIds: "所属诊所（逗号分隔）", suspended: "已停诊", suspend: "停诊", reinstate: "恢复", confirmSuspend: "确认停诊该医生？",
    resetPassword: "重置密码", newPassword: "新密码", again: "再次输入", passwordsDiffer: "两次输入的密码不一致",
    passwordReset: "{who} 的密码已重置，其登录会话已结束", verifyOk: "审计链完整", verifyBad: "审计链有断点", firstBad: "首个断点",
    retried: "消息 {id} 已重新投递", insurance: "医保", self_pay: "自费", deliveryNo: "配送单", copy: "复制", loginLocked: "密码错误次数过多，账号已锁定 15 分钟", justNow: "刚刚", messageType: "消息类型", target: "接收方", lastError: "最近错误",
  },
  en: {
    title: "rxflow workbench", login: "Login", password: "Password", signIn: "Sign in", logout: "Sign out", lang: "中文",
    received: "Received", rxNo: "Prescription", drugs: "Drugs", state: "State",
    routed: "Routed", accepted: "Accepted", approved: "Reviewed", in_delivery: "Out for delivery", dispensed: "Dispensed",
    delivered: "Delivered", delivery_failed: "Delivery failed", rejected: "Rejected", cancelled: "Cancelled",
    expired: "Expired", active: "Awaiting routing", accept: "Accept", approve: "Approve", reject: "Reject",
    reasonCode: "Reason", reason: "Details", out_of_stock: "Out of stock", cannot_fulfil: "Cannot fulfil",
    clinical: "Clinically inappropriate", confirmReject: "Reject this prescription?", pay: "Record self-pay payment",
    total: "Amount (yuan)", paid: "Paid", dispense: "Dispense", pickupCode: "Pickup code", batchNo: "Batch no.",
    expiryDate: "Expiry date", handover: "Hand over to courier", courier: "Courier company", patient: "Patient",
    doctor: "Doctor", validUntil: "Valid until", history: "History", attemptsLeft: "{n} tries left",
    locked: "Locked: contact the prescribing doctor", reviewer: "Reviewing pharmacist", yes: "Confirm", no: "Cancel",
    picked_up: "Picked up", in_transit: "In transit", handed_over: "To pick up", failed: "Failed", proofCode: "Proof code",
    note: "Note", confirmFailed: "Report this delivery as failed?", day: "Day", settlements: "Settlements of the day",
    statement: "Statement", upload: "Upload statement", matched: "matched", platform: "Platform", bureauSide: "Bureau",
    download: "Download discrepancies (CSV)", auditVerify: "Verify audit trail", staff: "Staff", create: "Create",
    deactivate: "Deactivate", confirmDeactivate: "Deactivate this member?", deadLetters: "Dead letters", retry: "Retry",
    active_: "active", inactive: "inactive", kind: "Kind", org: "Organisation",
    stores: "Stores (comma-separated)", name: "Name", license: "License no.", cancel: "Cancel prescription",
    confirmCancel: "Cancel this prescription?", routeAgain: "Route again", store: "Store",
    pharmacist: "Pharmacist", clerk: "Clerk", doctorKind: "Doctor", rider: "Rider", bureau: "Bureau clerk",
    operator: "Operator",
    allStores: "All stores", daysShort: "d", hoursShort: "h", minutesShort: "min", acceptIn: "accept within",
    expiresIn: "expires in", years: "y", sexM: "M", sexF: "F", pickup: "Pickup", delivery: "Delivery", unpaid: "Unpaid",
    mode: "Pickup or delivery", timeLeft: "Time left", payment: "Payment",
    missing_in_platform: "Missing in platform", missing_in_bureau: "Missing in bureau statement",
    amount_mismatch: "Amounts differ", status_mismatch: "Status differs", duplicate_in_statement: "Duplicate in statement",
    kindOfDiff: "Discrepancy", settlementId: "Settlement", fields: "Differing fields", fund: "Fund", account: "Account",
    cash: "Cash", settled: "Settled", reversed: "Reversed", pastRuns: "Past runs", runAt: "Run at",
    discrepancyCount: "Discrepancies", open: "Open",
    clinics: "Clinics", doctors: "Doctors", pharmacies: "Stores", couriers: "Couriers", id: "Id", region: "Region code",
    district: "District code", lat: "Latitude", lon: "Longitude", chain: "Chain", adapter: "Adapter",
    adapterType: "Adapter", adapterUrl: "Adapter URL", adapterSecret: "Adapter secret", stockAge: "Stock updated",
    never: "never", ago: "ago", webhook: "Webhook", clinicIds: "Clinics (comma-separated)", suspended: "suspended",
    suspend: "Suspend", reinstate: "Reinstate", confirmSuspend: "Suspend this doctor?", resetPassword: "Reset password",
    newPassword: "New password", again: "Again", passwordsDiffer: "The two passwords differ",
    passwordReset: "{who}'s password is reset and their sessions ended", verifyOk: "The audit trail is intact",
    verifyBad: "The audit trail is broken", firstBad: "first break at", retried: "Message {id} is sent again",
    justNow: "just now", insurance: "Insurance", self_pay: "Self-pay", deliveryNo: "Delivery", copy: "Copy", loginLocked: "Too many wrong passwords: locked for 15 minutes", messageType: "Message", target: "To", lastError: "Last error",
  },
};
const TABS = ["routed", "accepted", "approved", "in_delivery"];
let lang = sessionStorage.getItem("rxflow.lang") || "zh-CN";
let me = null;
let tab = "routed";
let seen = new Set();
let openId = null;
let lastShown = "";

const $ = (id) => document.getElementById(id);
const t = (key) => WORDS[lang][key] || key;
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c) e.append(c);
  return e;
}
// Times and days in Asia/Shanghai; the formats are made once (a queue formats hundreds of rows).
const MINUTES = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit",
  day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });
const DAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" });
const when = (iso) => MINUTES.format(new Date(iso)).replace(/\//g, "-");
const today = () => DAY.format(new Date());
const yuan = (fen) => "¥" + (fen / 100).toFixed(2);
// An id shortened to its end, the whole id on hover and a button that copies it.
function shortId(id) {
  if (!id) return "";
  return el("span", { class: "id", title: id }, el("span", { text: id.length > 12 ? "…" + id.slice(-8) : id }),
    el("button", { type: "button", class: "copy", "aria-label": t("copy") + " " + id,
      onclick: (ev) => { ev.stopPropagation(); navigator.clipboard.writeText(id); }, text: t("copy") }));
}

async function api(method, path, body) {
  const headers = { "Accept": "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const csrf = sessionStorage.getItem("rxflow.csrf");
  if (csrf && method !== "GET") headers["X-CSRF-Token"] = csrf;
  const r = await fetch(path, { method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

// The refusals a person at the page meets, in the page's words; the problem's own detail follows.
const REFUSALS = {
  "zh-CN": { pickup_code_mismatch: "取药码错误", proof_code_mismatch: "签收码错误", payment_required: "尚未支付",
    invalid_state: "处方当前状态不允许此操作", already_accepted: "已接单", already_paid: "已支付过",
    pharmacist_required: "须由药师审方", pharmacist_not_registered: "药师未登记", payment_amount_invalid: "金额不正确",
    invalid_credentials: "账号或密码错误", weak_password: "密码太弱", already_exists: "已存在", unknown_store: "门店不存在",
    doctor_not_registered: "医生未登记", csrf_failed: "页面已过期，请刷新", forbidden: "无权操作", not_found: "未找到",
    invalid_request: "输入有误", rate_limited: "操作太频繁，请稍后再试", unavailable: "服务暂不可用，请稍后再试",
    gone: "处方已取消或过期", version_mismatch: "处方已被他人更改，请刷新" },
  en: { pickup_code_mismatch: "Wrong pickup code", proof_code_mismatch: "Wrong proof code", payment_required: "Not paid yet",
    invalid_state: "Not possible in the prescription's state", already_accepted: "Already accepted", already_paid: "Already paid",
    pharmacist_required: "A pharmacist must review", pharmacist_not_registered: "Pharmacist not registered",
    payment_amount_invalid: "The amounts are wrong", invalid_credentials: "Wrong login or password",
    weak_password: "The password is too weak", already_exists: "Exists already", unknown_store: "No such store",
    doctor_not_registered: "Doctor not registered", csrf_failed: "The page is stale: reload it", forbidden: "Not allowed",
    not_found: "Not found", invalid_request: "Check the input", rate_limited: "Too many tries: wait a moment",
    unavailable: "Unavailable: try again shortly", gone: "Cancelled or expired", version_mismatch: "Changed meanwhile: reload" },
};

// A refusal in words: the problem's code in the page's language, the tries left or the lock of a
// pickup code, then the problem's detail. `lockedWords`: what a 423 means where it happened.
function refusal(r, lockedWords = "locked") {
  const p = r.body || {};
  if (p.code === "locked") return `${t(lockedWords)} (${p.detail || ""})`;
  let words = REFUSALS[lang][p.code] || "";
  if ((p.code === "pickup_code_mismatch" || p.code === "proof_code_mismatch") && Number.isInteger(p.attemptsLeft))
    words += (lang === "en" ? ": " : "，") + t("attemptsLeft").replace("{n}", p.attemptsLeft);
  return words ? `${words} (${p.detail || r.status})` : p.detail || String(r.status);
}

function translate() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-t]").forEach((e) => { e.textContent = t(e.dataset.t); });
  $("lang").textContent = t("lang");
  $("logout").textContent = t("logout");
  if (me) showWho();
}

function showWho() {
  const s = me.staff;
  const kind = s.kind === "doctor" ? "doctorKind" : s.kind;
  $("who").textContent = `${s.name} · ${t(kind)} · ${me.org}${s.stores.length ? " · " + s.stores.join(", ") : ""}`;
}

async function start() {
  translate();
  $("lang").addEventListener("click", () => {
    lang = lang === "zh-CN" ? "en" : "zh-CN";
    sessionStorage.setItem("rxflow.lang", lang);
    translate();
    if (me && $("orders").hidden === false) {
      lastShown = "";
      storePicker();
      refresh();
      if (openId) openOrder(openId);
    }
  });
  $("logout").addEventListener("click", logout);
  $("login").addEventListener("submit", login);
  // A session is asked for only when this tab logged in (the cookie itself is out of reach).
  const r = sessionStorage.getItem("rxflow.csrf") ? await api("GET", "/v1/me") : { status: 0 };
  if (r.status === 200 && r.body.staff) enter(r.body); else $("login-name").focus();
}

async function login(ev) {
  ev.preventDefault();
  const r = await api("POST", "/v1/sessions", { login: $("login-name").value, password: $("login-password").value });
  if (r.status !== 201) { $("login-error").textContent = refusal(r, "loginLocked"); return; }
  sessionStorage.setItem("rxflow.csrf", r.body.csrfToken);
  $("login-password").value = "";
  const m = await api("GET", "/v1/me");
  enter(m.body);
}

async function logout() {
  await api("DELETE", "/v1/sessions/current");
  sessionStorage.removeItem("rxflow.csrf");
  location.reload();
}

function enter(who) {
  me = who;
  $("login").hidden = true;
  $("bar").hidden = false;
  showWho();
  if (me.staff.kind === "pharmacist" || me.staff.kind === "clerk") {
    $("orders").hidden = false;
    storePicker();
    renderTabs();
    refresh();
    setInterval(refresh, 3000);  // a new order shows without a reload
  } else if (me.staff.kind === "rider") {
    $("deliveries").hidden = false;
    refreshDeliveries();
    setInterval(refreshDeliveries, 5000);
  } else if (me.staff.kind === "doctor") {
    $("doctor").hidden = false;
    doctorPage();
    setInterval(doctorPage, 5000);
  } else if (me.staff.kind === "bureau") {
    $("bureau").hidden = false;
    bureauPage();
  } else if (me.staff.kind === "operator") {
    $("operator").hidden = false;
    operatorPage();
  }
}

const cells = (...texts) => el("tr", {}, ...texts.map((x) => (x instanceof Node ? el("td", {}, x) : el("td", { text: String(x) }))));

document.addEventListener("keydown", (ev) => {  // Esc closes the order's panel
  if (ev.key === "Escape" && !$("detail").hidden) { $("detail").hidden = true; openId = null; }
});
document.addEventListener("DOMContentLoaded", start);
