// 订单: the pharmacist's and the clerk's orders of their stores (API.md §12), by state, refreshed by
// themselves, with the actions of each order's state in a panel beside the queue. Uses app.js.
"use strict";

let counts = {};
const drugNames = new Map();  // catalog names by code (no patient data)
const lastBatch = new Map();  // "store drugCode" -> the batch and expiry last dispensed here, while the page lives

function renderTabs() {
  const nav = $("tabs");
  nav.replaceChildren(...TABS.map((s) => el("button", { type: "button", role: "tab", id: "tab-" + s,
    "aria-selected": String(s === tab), text: `${t(s)}${s in counts ? " " + counts[s] : ""}`,
    onclick: () => { tab = s; renderTabs(); refresh(); } })));
}

// A member of several stores picks one (or all of them) in the top bar.
function storePicker() {
  const stores = me.staff.stores;
  const pick = $("store-pick");
  pick.hidden = stores.length < 2;
  pick.setAttribute("aria-label", t("store"));
  const chosen = pick.value;
  pick.replaceChildren(el("option", { value: "", text: t("allStores") }), ...stores.map((id) => el("option", { value: id, text: id })));
  pick.value = chosen;
  pick.onchange = () => { lastShown = ""; refresh(); };
}

// Every open order of the state, page by page (the API gives at most 200 at a time).
async function allOrders(status) {
  const orders = [];
  const store = $("store-pick").value;
  let cursor = "";
  for (let page = 0; page < 50; ++page) {
    const r = await api("GET", `/v1/pharmacy/orders?status=${status}&limit=200${store ? "&store=" + encodeURIComponent(store) : ""}${cursor ? "&cursor=" + encodeURIComponent(cursor) : ""}`);
    if (r.status !== 200) return { status: r.status, body: null };
    orders.push(...r.body.orders);
    if (!r.body.nextCursor) break;
    cursor = r.body.nextCursor;
  }
  return { status: 200, body: { orders } };
}

async function nameDrugs(orders) {
  const unknown = new Set();
  orders.forEach((o) => o.items.forEach((i) => { if (!drugNames.has(i.drugCode)) unknown.add(i.drugCode); }));
  await Promise.all([...unknown].map(async (code) => {
    const r = await api("GET", `/v1/drugs/${encodeURIComponent(code)}`);
    drugNames.set(code, r.status === 200 ? r.body.name : code);
  }));
}

const age = (birthDate) => {
  const [y, m, d] = birthDate.split("-").map(Number), [ty, tm, td] = today().split("-").map(Number);
  return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
};
// Time left before the accept time-out (routed) or the expiry, red under 15 minutes.
function timeLeft(o) {
  const ms = Date.parse(o.acceptBy || o.expiresAt) - Date.now();
  const minutes = Math.max(0, Math.floor(ms / 60000));
  const text = minutes >= 1440 ? `${Math.floor(minutes / 1440)}${t("daysShort")}` :
    minutes >= 60 ? `${Math.floor(minutes / 60)}${t("hoursShort")}${minutes % 60}${t("minutesShort")}` : `${minutes}${t("minutesShort")}`;
  return el("span", { class: ms < 15 * 60000 ? "urgent" : "", text: (o.acceptBy ? t("acceptIn") : t("expiresIn")) + " " + text });
}

function orderRow(o) {
  const first = o.items[0];
  const drugs = first ? `${drugNames.get(first.drugCode) || first.drugCode} ×${first.quantity}${o.items.length > 1 ? " +" + (o.items.length - 1) : ""}` : "";
  const row = el("tr", { "data-id": o.id, tabindex: "0", onclick: () => openOrder(o.id),
    onkeydown: (ev) => { if (ev.key === "Enter") openOrder(o.id); } },
    el("td", { text: when(o.createdAt) }), el("td", { text: o.rxNo, title: o.id }),
    el("td", { class: "patient", text: `${o.patient.name} ${age(o.patient.birthDate)}${t("years")} ${t("sex" + o.patient.gender)}` }),
    el("td", { text: drugs }), el("td", { text: t(o.mode) }),
    el("td", { text: o.paid ? t("paid") : t("unpaid") }), el("td", {}, timeLeft(o)),
    el("td", {}, el("span", { class: "tag", text: t(o.status) })));
  if (seen.size && !seen.has(o.id)) row.classList.add("fresh");
  return row;
}

async function refresh() {
  const all = await Promise.all(TABS.map((s) => allOrders(s)));
  if (all.some((r) => r.status === 401)) { location.reload(); return; }
  if (all.some((r) => r.status !== 200)) return;
  TABS.forEach((s, n) => { counts[s] = all[n].body.orders.length; });
  const orders = all[TABS.indexOf(tab)].body.orders;
  const shown = lang + tab + counts.routed + counts.accepted + counts.approved + counts.in_delivery + ":" +
    orders.map((o) => o.id + o.version).join(",") + Math.floor(Date.now() / 60000);
  if (shown === lastShown) return;  // unchanged: the rows stay as they are under the pointer
  lastShown = shown;
  renderTabs();
  await nameDrugs(orders);
  $("queue").tBodies[0].replaceChildren(...orders.map(orderRow));
  all.forEach((r) => r.body.orders.forEach((o) => seen.add(o.id)));
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
    el("p", {}, shortId(v.id)),
    el("p", { text: `${t("patient")}: ${p.patient.name} (${t("sex" + p.patient.gender)}, ${age(p.patient.birthDate)}${t("years")}, ${p.patient.birthDate})` }),
    el("p", { text: `${t("doctor")}: ${p.doctor.name} · ${p.clinicId} · ${p.visit.diagnoses.map((d) => d.name).join(", ")}` }),
    el("ul", {}, ...p.items.map((i) => el("li", { text: `${i.name} ${i.dose.amount}${i.dose.unit} ${i.frequency} ${i.route} ${i.days}d ×${i.quantity}` }))),
    el("p", { text: `${t("validUntil")}: ${when(v.expiresAt)}` }),
  ];
  if (v.reviews && v.reviews.length)
    parts.push(el("p", { text: `${t("reviewer")}: ${v.reviews.map((x) => `${x.pharmacist.name} (${x.pharmacist.license})`).join(", ")}` }));
  if (v.delivery)  // the rider's delivery id, to tell them on the phone
    parts.push(el("p", { id: "delivery-info", text: `${t("deliveryNo")}: ${v.delivery.id} · ${v.delivery.courier} · ${t(v.delivery.stage)}` }));
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
    const pay = v.payment;  // the insurance one as the bureau posted it, or the self-pay one taken here
    out.push(el("p", { id: "paid", text: `${t("paid")} · ${t(pay.kind)} ${yuan(pay.total)} · ${t("fund")} ${yuan(pay.fund)} · ` +
      `${t("account")} ${yuan(pay.account)} · ${t("cash")} ${yuan(pay.cash)} · ${t("settlementId")} ${pay.settlementId}` }));
    const pickup = !v.fulfillment || v.fulfillment.mode !== "delivery";
    const code = el("input", { id: "pickup-code", inputmode: "numeric", maxlength: "6", "aria-label": t("pickupCode") });
    const courier = el("input", { id: "courier", "aria-label": t("courier") });
    const batchKey = (item) => `${v.pharmacy ? v.pharmacy.id : ""} ${item.drugCode}`;  // this page's memory only
    const rows = v.prescription.items.map((i, n) => {
      const last = lastBatch.get(batchKey(i)) || {};
      return { item: i,
        batch: el("input", { id: `batch-${n}`, value: last.batchNo || "", "aria-label": `${t("batchNo")} ${i.name}` }),
        expiry: el("input", { id: `expiry-${n}`, value: last.expiryDate || "", inputmode: "numeric",
          pattern: "\\d{4}-\\d{2}-\\d{2}", "aria-label": `${t("expiryDate")} ${i.name}` }) };
    });
    const handed = () => rows.map((r) => ({ drugCode: r.item.drugCode, quantity: r.item.quantity,
      batchNo: r.batch.value, expiryDate: r.expiry.value }));
    const remember = (done) => {
      if (done) rows.forEach((r) => lastBatch.set(batchKey(r.item), { batchNo: r.batch.value, expiryDate: r.expiry.value }));
    };
    const form = el("form", { id: pickup ? "dispense-form" : "handover-form", onsubmit: async (ev) => {
      ev.preventDefault();
      if (pickup) remember(await act("POST", base + "/dispense", { pickupCode: code.value, items: handed() }, error));
      else remember(await act("POST", base + "/handover", { courier: courier.value, items: handed() }, error));
    } }, el("label", { text: pickup ? t("pickupCode") : t("courier") }, pickup ? code : courier),
      ...rows.map((r) => el("fieldset", {}, el("legend", { text: r.item.name }),
        el("label", {}, el("span", { text: t("batchNo") }), r.batch), el("label", {}, el("span", { text: `${t("expiryDate")} (YYYY-MM-DD)` }), r.expiry))),
      el("button", { type: "submit", id: pickup ? "do-dispense" : "do-handover", text: pickup ? t("dispense") : t("handover") }));
    out.push(form);
  }
  return out;
}
