// The doctor's prescriptions and the rider's deliveries (API.md §12). Uses app.js; the bureau's
// 对账 is in bureau.js, the operator's administration in admin.js.
"use strict";

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
  const store = el("input", { id: "route-store", "aria-label": t("store") });
  const reload = async (res) => { if (res.status === 200) { openTimeline(id); doctorPage(); } else error.textContent = refusal(res); };
  const open = ["active", "routed", "accepted", "approved"].includes(v.status);
  const address = v.fulfillment && v.fulfillment.address;
  const mode = el("select", { id: "route-mode", "aria-label": t("mode") }, el("option", { value: "pickup", text: t("pickup") }),
    address ? el("option", { value: "delivery", text: t("delivery") }) : null);
  // Each step with who took it; a review with the pharmacist's name and license, in order.
  const reviews = (v.reviews || []).slice();
  const step = (h) => {
    let who = h.actor.staff ? h.actor.staff.name : h.actor.org;
    // a review's step: approved, or a rejection by the store (rejected, or active when re-routed)
    const reviewed = h.status === "approved" || (h.actor.role === "pharmacy" && (h.status === "rejected" || h.status === "active"));
    if (reviewed && reviews.length) {
      const r = reviews.shift();
      who = `${r.pharmacist.name} (${r.pharmacist.license})`;
    }
    return el("li", { text: `${when(h.at)} ${t(h.status)} · ${who}` });
  };
  panel.replaceChildren(
    el("h2", { id: "timeline-state", "data-status": v.status, text: `${v.prescription.rxNo} · ${t(v.status)}` }),
    el("p", { id: "timeline-store", text: `${t("store")}: ${v.pharmacy ? v.pharmacy.id : "—"} · ${t(v.fulfillment ? v.fulfillment.mode : "pickup")}` }),
    v.payment ? el("p", { id: "timeline-paid", text: `${t("paid")}: ${yuan(v.payment.total)} · ${when(v.payment.paidAt)}` }) : null,
    el("ol", { id: "timeline-steps" }, ...v.history.map(step)),
    v.status === "active" || v.status === "routed" ? el("fieldset", {}, el("legend", { text: t("routeAgain") }), mode, store,
      el("button", { type: "button", id: "do-route", text: t("routeAgain"), onclick: async () => {
        const body = { mode: mode.value, pharmacy: store.value };
        if (mode.value === "delivery") body.address = address;
        reload(await api("POST", `/v1/prescriptions/${id}/route`, body));
      } })) : null,
    open ? el("fieldset", {}, el("legend", { text: t("cancel") }), reason,
      el("button", { type: "button", class: "danger", id: "do-cancel", text: t("cancel"), onclick: async () => {
        if (window.confirm(t("confirmCancel")))
          reload(await api("POST", `/v1/prescriptions/${id}/cancel`, { reason: reason.value }));
      } })) : null,
    error);
}

// 配送: the rider's deliveries, big rows for a phone; each event is one tap (delivered asks for
// the code the patient reads out, failed for a note).
let riderBusy = false;
const riderViews = new Map();  // prescription id -> the courier's (masked) view of it
async function refreshDeliveries() {
  if (riderBusy) return;  // never redraw under the rider's typing
  const r = await api("GET", "/v1/courier/deliveries?limit=200");
  if (r.status === 401) { location.reload(); return; }
  if (r.status !== 200) return;
  const open = r.body.deliveries.filter((d) => d.status === "in_delivery" || d.status === "delivery_failed");
  // What a delivery carries does not change: each prescription is read once while the page lives.
  await Promise.all(open.filter((d) => !riderViews.has(d.prescription)).map(async (d) => {
    const v = await api("GET", `/v1/prescriptions/${d.prescription}`);
    if (v.status === 200) riderViews.set(d.prescription, v.body);
  }));
  const items = open.map((d) => deliveryItem(d, riderViews.get(d.prescription) || null));
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
