// 订单: the pharmacist's and the clerk's orders of their stores (API.md §12), by state, refreshed by
// themselves, with the actions of each order's state in a panel beside the queue. Uses app.js.
"use strict";

function renderTabs() {
  const nav = $("tabs");
  nav.replaceChildren(...TABS.map((s) => el("button", { type: "button", role: "tab", id: "tab-" + s,
    "aria-selected": String(s === tab), text: t(s), onclick: () => { tab = s; renderTabs(); refresh(); } })));
}

// Every open order of the state, page by page (the API gives at most 200 at a time).
async function allOrders(status) {
  const orders = [];
  let cursor = "";
  for (let page = 0; page < 50; ++page) {
    const r = await api("GET", `/v1/pharmacy/orders?status=${status}&limit=200${cursor ? "&cursor=" + encodeURIComponent(cursor) : ""}`);
    if (r.status !== 200) return { status: r.status, body: null };
    orders.push(...r.body.orders);
    if (!r.body.nextCursor) break;
    cursor = r.body.nextCursor;
  }
  return { status: 200, body: { orders } };
}

async function refresh() {
  const r = await allOrders(tab);
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
      expiry: el("input", { id: `expiry-${n}`, inputmode: "numeric", pattern: "\\d{4}-\\d{2}-\\d{2}", placeholder: "YYYY-MM-DD", "aria-label": `${t("expiryDate")} ${i.name}` }) }));
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
