// The rxflow workbench (API.md §12): a page that talks only to the public API with the member's
// session (the HttpOnly cookie plus X-CSRF-Token). Nothing about a patient is kept in the browser
// beyond the page in view; the CSRF token and the language are the only things remembered.
"use strict";

const WORDS = {
  "zh-CN": {
    title: "rxflow 工作台", login: "账号", password: "密码", signIn: "登录", logout: "退出登录", lang: "English",
    received: "接收时间", rxNo: "处方", drugs: "药品", state: "状态", notYet: "此类人员的页面尚未提供。",
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
    deadLetters: "死信", retry: "重试", active_: "在岗", inactive: "已停用", cancel: "取消处方",
    confirmCancel: "确认取消该处方？", routeAgain: "重新流转", store: "药房",
    pharmacist: "药师", clerk: "店员", doctorKind: "医生", rider: "骑手", bureau: "医保经办", operator: "运营",
  },
  en: {
    title: "rxflow workbench", login: "Login", password: "Password", signIn: "Sign in", logout: "Sign out", lang: "中文",
    received: "Received", rxNo: "Prescription", drugs: "Drugs", state: "State",
    notYet: "The pages for this kind of staff are not available yet.",
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
    active_: "active", inactive: "inactive", cancel: "Cancel prescription",
    confirmCancel: "Cancel this prescription?", routeAgain: "Route again", store: "Store",
    pharmacist: "Pharmacist", clerk: "Clerk", doctorKind: "Doctor", rider: "Rider", bureau: "Bureau clerk",
    operator: "Operator",
  },
};
const TABS = ["routed", "accepted", "approved", "in_delivery"];
let lang = sessionStorage.getItem("rxflow.lang") || "zh-CN";
let me = null;
let tab = "routed";
let seen = new Set();
let openId = null;
let poller = null;
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
const when = (iso) => new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit",
  day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date(iso)).replace(/\//g, "-");
const yuan = (fen) => "¥" + (fen / 100).toFixed(2);

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

// A refusal in words: the problem's detail, with the tries left or the lock of a pickup code.
function refusal(r) {
  const p = r.body || {};
  if (p.code === "locked") return t("locked");
  if (p.code === "pickup_code_mismatch" && Number.isInteger(p.attemptsLeft))
    return (p.detail || "") + " " + t("attemptsLeft").replace("{n}", p.attemptsLeft);
  return p.detail || String(r.status);
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
    if (me && $("orders").hidden === false) renderTabs();
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
  if (r.status !== 201) { $("login-error").textContent = refusal(r); return; }
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
    renderTabs();
    refresh();
    poller = setInterval(refresh, 3000);  // a new order shows without a reload
  } else if (me.staff.kind === "rider") {
    $("deliveries").hidden = false;
    refreshDeliveries();
    poller = setInterval(refreshDeliveries, 5000);
  } else if (me.staff.kind === "doctor") {
    $("doctor").hidden = false;
    doctorPage();
    poller = setInterval(doctorPage, 5000);
  } else if (me.staff.kind === "bureau") {
    $("bureau").hidden = false;
    bureauPage();
  } else if (me.staff.kind === "operator") {
    $("operator").hidden = false;
    operatorPage();
  } else {
    $("other").hidden = false;
  }
}

const cells = (...texts) => el("tr", {}, ...texts.map((x) => (x instanceof Node ? el("td", {}, x) : el("td", { text: String(x) }))));
const today = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());

// 处方: the clinic's prescriptions, newest first, each with its timeline; route again or cancel.
async function doctorPage() {
  const r = await api("GET", "/v1/prescriptions?limit=200");
  if (r.status === 401) { location.reload(); return; }
  if (r.status !== 200) return;
  const list = r.body.prescriptions.slice().reverse();  // the API lists oldest first
  $("clinic-list").tBodies[0].replaceChildren(...list.map((p) => {
    const row = cells(when(p.createdAt), p.rxNo, el("span", { class: "tag", text: t(p.status) }), p.store || "");
    row.setAttribute("data-id", p.id);
    row.addEventListener("click", () => openTimeline(p.id));
    return row;
  }));
}

async function openTimeline(id) {
  const r = await api("GET", `/v1/prescriptions/${id}`);
  const panel = $("timeline");
  panel.hidden = false;
  if (r.status !== 200) { panel.replaceChildren(el("p", { class: "error", text: refusal(r) })); return; }
  const v = r.body;
  const error = el("p", { class: "error", role: "alert", id: "doctor-error" });
  const reason = el("input", { id: "cancel-reason", "aria-label": t("reason") });
  const store = el("input", { id: "route-store", "aria-label": t("store"), placeholder: "S001" });
  const reload = async (res) => { if (res.status === 200) { openTimeline(id); doctorPage(); } else error.textContent = refusal(res); };
  const open = ["active", "routed", "accepted", "approved"].includes(v.status);
  panel.replaceChildren(
    el("h2", { id: "timeline-state", "data-status": v.status, text: `${v.prescription.rxNo} · ${t(v.status)}` }),
    el("ol", {}, ...v.history.map((h) => el("li", { text: `${when(h.at)} ${t(h.status)} ${h.actor.staff ? h.actor.staff.name : h.actor.org}` }))),
    open && (v.status === "active" || v.status === "routed") ? el("fieldset", {}, el("legend", { text: t("routeAgain") }), store,
      el("button", { type: "button", id: "do-route", text: t("routeAgain"), onclick: async () =>
        reload(await api("POST", `/v1/prescriptions/${id}/route`, { mode: "pickup", pharmacy: store.value })) })) : null,
    open ? el("fieldset", {}, el("legend", { text: t("cancel") }), reason,
      el("button", { type: "button", class: "danger", id: "do-cancel", text: t("cancel"), onclick: async () => {
        if (window.confirm(t("confirmCancel")))
          reload(await api("POST", `/v1/prescriptions/${id}/cancel`, { reason: reason.value }));
      } })) : null,
    error);
}

// 结算与对账: a day's payments, and 对账 of the bureau's CSV statement for it.
function bureauPage() {
  $("day").value = today();
  const load = async () => {
    const r = await api("GET", `/v1/settlements?date=${$("day").value}&limit=200`);
    if (r.status !== 200) { $("bureau-error").textContent = refusal(r); return; }
    $("day-payments").tBodies[0].replaceChildren(...r.body.payments.map((p) =>
      cells(p.settlementId, p.prescription || "", yuan(p.total), yuan(p.fund), yuan(p.account), yuan(p.cash), p.status)));
  };
  $("load-day").addEventListener("click", load);
  $("upload").addEventListener("click", async () => {
    const file = $("statement").files[0];
    if (!file) return;
    const r = await fetch(`/v1/reconciliation/runs?date=${$("day").value}&region=${me.org}`, { method: "POST",
      credentials: "same-origin", body: await file.text(),
      headers: { "Content-Type": "text/csv", "X-CSRF-Token": sessionStorage.getItem("rxflow.csrf") || "" } });
    const body = await r.json();
    if (r.status !== 201) { $("bureau-error").textContent = refusal({ status: r.status, body }); return; }
    $("bureau-error").textContent = "";
    showRun(body);
  });
  load();
}

function showRun(run) {
  const side = (s) => `${s.count} · ${yuan(s.total)}`;
  const csv = el("button", { type: "button", id: "download", class: "plain", text: t("download"), onclick: async () => {
    const r = await fetch(`/v1/reconciliation/runs/${run.id}`, { credentials: "same-origin", headers: { Accept: "text/csv" } });
    const link = el("a", { href: URL.createObjectURL(await r.blob()), download: `reconciliation-${run.date}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
  } });
  $("run").replaceChildren(
    el("p", { id: "run-summary", text: `${t("platform")}: ${side(run.platform)} · ${t("bureauSide")}: ${side(run.bureau)} · ${t("matched")} ${run.matched}` }),
    el("table", { id: "discrepancies" }, el("tbody", {}, ...run.discrepancies.map((d) =>
      cells(d.kind, d.settlementId, (d.fields || []).join(", "))))),
    csv);
}

// 管理: staff (create, deactivate), 审计校验, and the outbox's dead letters with 重试.
function operatorPage() {
  const error = $("operator-error");
  const loadStaff = async () => {
    const r = await api("GET", "/v1/admin/staff?limit=200");
    if (r.status !== 200) return;
    $("staff-list").tBodies[0].replaceChildren(...r.body.staff.map((m) => cells(m.login, m.kind, m.org, m.name,
      m.active ? t("active_") : t("inactive"),
      m.active ? el("button", { type: "button", class: "danger", id: `deactivate-${m.login}`, text: t("deactivate"), onclick: async () => {
        if (!window.confirm(t("confirmDeactivate"))) return;
        const u = await api("PUT", `/v1/admin/staff/${m.id}`, { name: m.name, stores: m.stores, active: false });
        if (u.status !== 200) error.textContent = refusal(u); else loadStaff();
      } }) : "")));
  };
  const loadDead = async () => {
    const r = await api("GET", "/v1/admin/outbox?status=dead&limit=200");
    if (r.status !== 200) return;
    $("dead-list").tBodies[0].replaceChildren(...r.body.messages.map((m) => cells(m.id, m.type, m.target.id, m.lastError || "",
      el("button", { type: "button", id: `retry-${m.id}`, text: t("retry"), onclick: async () => {
        const u = await api("POST", `/v1/admin/outbox/${m.id}/retry`, {});
        if (u.status !== 200) error.textContent = refusal(u); else loadDead();
      } }))));
  };
  $("new-staff").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = { kind: $("new-kind").value, org: $("new-org").value, name: $("new-name").value,
      login: $("new-login").value, password: $("new-password").value };
    const stores = $("new-stores").value.split(",").map((x) => x.trim()).filter((x) => x);
    if (stores.length) body.stores = stores;
    if ($("new-license").value) body.license = $("new-license").value;
    const r = await api("POST", "/v1/admin/staff", body);
    if (r.status !== 201) { error.textContent = refusal(r); return; }
    error.textContent = "";
    $("new-password").value = "";
    loadStaff();
  });
  $("verify").addEventListener("click", async () => {
    const r = await api("POST", "/v1/audit/verify", {});
    $("verify-result").textContent = r.status === 200
      ? `ok=${r.body.ok} · ${r.body.events} · ${r.body.checkpoints}${r.body.firstBadSeq ? " · " + r.body.firstBadSeq : ""}`
      : refusal(r);
  });
  loadStaff();
  loadDead();
}

// 配送: the rider's deliveries, big rows for a phone; each event is one tap (delivered asks for
// the code the patient reads out, failed for a note).
let riderBusy = false;
async function refreshDeliveries() {
  if (riderBusy) return;  // never redraw under the rider's typing
  const r = await api("GET", "/v1/courier/deliveries?limit=200");
  if (r.status === 401) { location.reload(); return; }
  if (r.status !== 200) return;
  const open = r.body.deliveries.filter((d) => d.status === "in_delivery" || d.status === "delivery_failed");
  const items = [];
  for (const d of open) {
    const v = await api("GET", `/v1/prescriptions/${d.prescription}`);
    items.push(deliveryItem(d, v.status === 200 ? v.body : null));
  }
  $("delivery-list").replaceChildren(...items);
}

function deliveryItem(d, v) {
  const error = el("p", { class: "error", role: "alert", id: `error-${d.id}` });
  const send = async (type, extra) => {
    const r = await api("POST", `/v1/deliveries/${d.id}/events`,
      Object.assign({ type, at: new Date().toISOString().replace("Z", "+00:00") }, extra));
    riderBusy = false;
    if (r.status === 200) refreshDeliveries(); else error.textContent = refusal(r);
  };
  const code = el("input", { id: `proof-${d.id}`, inputmode: "numeric", maxlength: "6", "aria-label": t("proofCode"),
    onfocus: () => { riderBusy = true; } });
  const note = el("input", { id: `note-${d.id}`, "aria-label": t("note"), onfocus: () => { riderBusy = true; } });
  const a = v && v.address ? `${v.address.line}` : "";
  const phone = v ? v.patient.phone : "";
  return el("li", { "data-id": d.id, "data-stage": d.stage },
    el("strong", { text: `${t(d.stage)} · ${a}` }),
    el("span", { text: v ? `${v.patient.name} ${phone}` : "" }),  // masked (API.md §5): nothing to dial
    el("span", { text: v ? v.items.map((i) => `${i.name} ×${i.quantity}`).join(", ") : "" }),
    el("div", { class: "actions" },
      el("button", { type: "button", id: `picked-${d.id}`, text: t("picked_up"), onclick: () => send("picked_up", {}) }),
      el("button", { type: "button", id: `transit-${d.id}`, text: t("in_transit"), onclick: () => send("in_transit", {}) })),
    el("label", { text: t("proofCode") }, code),
    el("button", { type: "button", id: `delivered-${d.id}`, text: t("delivered"),
      onclick: () => send("delivered", { proofCode: code.value }) }),
    el("label", { text: t("note") }, note),
    el("button", { type: "button", class: "danger", id: `failed-${d.id}`, text: t("failed"), onclick: () => {
      if (window.confirm(t("confirmFailed"))) send("failed", { note: note.value }); else riderBusy = false;
    } }),
    error);
}

function renderTabs() {
  const nav = $("tabs");
  nav.replaceChildren(...TABS.map((s) => el("button", { type: "button", role: "tab", id: "tab-" + s,
    "aria-selected": String(s === tab), text: t(s), onclick: () => { tab = s; renderTabs(); refresh(); } })));
}

async function refresh() {
  const r = await api("GET", `/v1/pharmacy/orders?status=${tab}&limit=200`);
  if (r.status === 401) { location.reload(); return; }
  if (r.status !== 200) return;
  const shown = tab + ":" + r.body.orders.map((o) => o.id + o.version).join(",");
  if (shown === lastShown) return;  // unchanged: the rows stay as they are under the pointer
  lastShown = shown;
  const body = $("queue").tBodies[0];
  body.replaceChildren(...r.body.orders.map((o) => {
    const row = el("tr", { "data-id": o.id, onclick: () => openOrder(o.id) },
      el("td", { text: when(o.createdAt) }), el("td", { text: o.rxNo, title: o.id }),
      el("td", { text: o.items.map((i) => `${i.drugCode} ×${i.quantity}`).join(", ") }),
      el("td", {}, el("span", { class: "tag", text: t(o.status) })));
    if (seen.size && !seen.has(o.id)) row.classList.add("fresh");
    return row;
  }));
  r.body.orders.forEach((o) => seen.add(o.id));
}

async function act(method, path, body, errorAt) {
  const r = await api(method, path, body);
  if (r.status >= 200 && r.status < 300) { await openOrder(openId); refresh(); return true; }
  errorAt.textContent = refusal(r);
  return false;
}

async function openOrder(id) {
  openId = id;
  const r = await api("GET", `/v1/prescriptions/${id}`);
  const panel = $("detail");
  panel.hidden = false;
  if (r.status !== 200) { panel.replaceChildren(el("p", { class: "error", text: refusal(r) })); return; }
  const v = r.body, p = v.prescription;
  const error = el("p", { class: "error", role: "alert", id: "action-error" });
  const base = `/v1/prescriptions/${id}`;
  const parts = [
    el("h2", { text: `${p.rxNo} · ${t(v.status)}`, id: "detail-state", "data-status": v.status }),
    el("p", { text: `${t("patient")}: ${p.patient.name} (${p.patient.gender}, ${p.patient.birthDate})` }),
    el("p", { text: `${t("doctor")}: ${p.doctor.name} · ${p.clinicId} · ${p.visit.diagnoses.map((d) => d.name).join(", ")}` }),
    el("ul", {}, ...p.items.map((i) => el("li", { text: `${i.name} ${i.dose.amount}${i.dose.unit} ${i.frequency} ${i.route} ${i.days}d ×${i.quantity}` }))),
    el("p", { text: `${t("validUntil")}: ${when(v.expiresAt)}` }),
  ];
  if (v.reviews && v.reviews.length)
    parts.push(el("p", { text: `${t("reviewer")}: ${v.reviews.map((x) => `${x.pharmacist.name} (${x.pharmacist.license})`).join(", ")}` }));
  parts.push(...actions(v, base, error), error,
    el("details", {}, el("summary", { text: t("history") }),
      el("ol", {}, ...v.history.map((h) => el("li", { text: `${when(h.at)} ${t(h.status)} ${h.actor.staff ? h.actor.staff.name : h.actor.org}` })))));
  panel.replaceChildren(...parts);
  const first = $("pickup-code") || $("courier");  // the counter types the code at once
  if (first) first.focus();
}

// The actions of the order's state, for this member's kind.
function actions(v, base, error) {
  const out = [];
  if (v.status === "routed")
    out.push(el("button", { type: "button", id: "do-accept", text: t("accept"), onclick: () => act("POST", base + "/accept", {}, error) }));
  if (v.status === "accepted" && me.staff.kind === "pharmacist") {
    out.push(el("button", { type: "button", id: "do-approve", text: t("approve"),
      onclick: () => act("POST", base + "/review", { decision: "approve" }, error) }));
    const code = el("select", { id: "reject-code", "aria-label": t("reasonCode") },
      ...["out_of_stock", "cannot_fulfil", "clinical"].map((c) => el("option", { value: c, text: t(c) })));
    const reason = el("input", { id: "reject-reason", "aria-label": t("reason") });
    out.push(el("fieldset", {}, el("legend", { text: t("reject") }), code, reason,
      el("button", { type: "button", class: "danger", id: "do-reject", text: t("reject"), onclick: () => {
        if (window.confirm(t("confirmReject")))
          act("POST", base + "/review", { decision: "reject", reasonCode: code.value, reason: reason.value }, error);
      } })));
  }
  if (v.status === "approved" && !v.payment) {
    const total = el("input", { id: "pay-total", inputmode: "decimal", "aria-label": t("total") });
    out.push(el("fieldset", {}, el("legend", { text: t("pay") }), el("label", { text: t("total") }, total),
      el("button", { type: "button", id: "do-pay", text: t("pay"), onclick: () => {
        const fen = Math.round(Number(total.value) * 100);
        const stamp = Date.now().toString(36);
        act("POST", base + "/payments", { kind: "self_pay", settlementId: "WB-" + stamp, payOrderId: "WBO-" + stamp,
          total: fen, fund: 0, account: 0, cash: fen, paidAt: new Date().toISOString().replace("Z", "+00:00") }, error);
      } })));
  }
  if (v.status === "approved" && v.payment) {
    out.push(el("p", { id: "paid", text: `${t("paid")}: ${yuan(v.payment.total)} (${v.payment.kind})` }));
    const pickup = !v.fulfillment || v.fulfillment.mode !== "delivery";
    const code = el("input", { id: "pickup-code", inputmode: "numeric", maxlength: "6", "aria-label": t("pickupCode") });
    const courier = el("input", { id: "courier", "aria-label": t("courier") });
    const rows = v.prescription.items.map((i, n) => ({ item: i,
      batch: el("input", { id: `batch-${n}`, "aria-label": `${t("batchNo")} ${i.name}` }),
      expiry: el("input", { id: `expiry-${n}`, placeholder: "YYYY-MM-DD", "aria-label": `${t("expiryDate")} ${i.name}` }) }));
    const handed = () => rows.map((r) => ({ drugCode: r.item.drugCode, quantity: r.item.quantity,
      batchNo: r.batch.value, expiryDate: r.expiry.value }));
    const form = el("form", { id: pickup ? "dispense-form" : "handover-form", onsubmit: (ev) => {
      ev.preventDefault();
      if (pickup) act("POST", base + "/dispense", { pickupCode: code.value, items: handed() }, error);
      else act("POST", base + "/handover", { courier: courier.value, items: handed() }, error);
    } }, el("label", { text: pickup ? t("pickupCode") : t("courier") }, pickup ? code : courier),
      ...rows.map((r) => el("fieldset", {}, el("legend", { text: r.item.name }), r.batch, r.expiry)),
      el("button", { type: "submit", id: pickup ? "do-dispense" : "do-handover", text: pickup ? t("dispense") : t("handover") }));
    out.push(form);
  }
  return out;
}

document.addEventListener("keydown", (ev) => {  // Esc closes the order's panel
  if (ev.key === "Escape" && !$("detail").hidden) { $("detail").hidden = true; openId = null; }
});
document.addEventListener("DOMContentLoaded", start);
