// 结算与对账: the bureau clerk's day (API.md §8, §12): the day's payments, 对账 of the bureau's CSV
// statement for it with the result at once, the past runs of the day, and a run's discrepancies
// by kind with the differing fields marked and the CSV download. Uses app.js.
"use strict";

const AMOUNTS = ["total", "fund", "account", "cash"];

function bureauPage() {
  $("day").value = today();
  $("load-day").addEventListener("click", loadDay);
  $("day").addEventListener("change", loadDay);
  $("upload").addEventListener("click", upload);
  loadDay();
}

async function loadDay() {
  const day = $("day").value;
  const r = await api("GET", `/v1/settlements?date=${day}&limit=200`);
  if (r.status !== 200) { $("bureau-error").textContent = refusal(r); return; }
  $("bureau-error").textContent = "";
  $("day-payments").tBodies[0].replaceChildren(...r.body.payments.map((p) =>
    cells(p.settlementId, shortId(p.prescription), yuan(p.total), yuan(p.fund), yuan(p.account), yuan(p.cash), t(p.status))));
  loadRuns();
}

async function loadRuns() {
  const r = await api("GET", `/v1/reconciliation/runs?date=${$("day").value}&limit=50`);
  if (r.status !== 200) { $("bureau-error").textContent = refusal(r); return; }
  $("past-runs").tBodies[0].replaceChildren(...r.body.runs.map((run) => cells(when(run.createdAt), run.date,
    `${run.platform.count} · ${yuan(run.platform.total)}`, `${run.bureau.count} · ${yuan(run.bureau.total)}`,
    run.matched, run.discrepancyCount,
    el("button", { type: "button", class: "plain", id: `run-${run.id}`, text: t("open"), onclick: async () => {
      const one = await api("GET", `/v1/reconciliation/runs/${run.id}`);
      if (one.status === 200) showRun(one.body); else $("bureau-error").textContent = refusal(one);
    } }))));
}

async function upload() {
  const file = $("statement").files[0];
  if (!file) return;
  const r = await fetch(`/v1/reconciliation/runs?date=${$("day").value}&region=${me.org}`, { method: "POST",
    credentials: "same-origin", body: await file.text(),
    headers: { "Content-Type": "text/csv", "X-CSRF-Token": sessionStorage.getItem("rxflow.csrf") || "" } });
  const body = await r.json();
  if (r.status !== 201) { $("bureau-error").textContent = refusal({ status: r.status, body }); return; }
  $("bureau-error").textContent = "";
  showRun(body);
  loadRuns();
}

// One side's amounts of a discrepancy, each differing field marked.
function sideCells(side, differs) {
  if (!side) return [el("td", { colspan: "5", text: "—" })];
  return [...AMOUNTS.map((f) => el("td", { class: differs.includes(f) ? "diff" : "", text: yuan(side[f]) })),
    el("td", { class: differs.includes("status") ? "diff" : "", text: t(side.status) })];
}

function showRun(run) {
  const side = (s) => `${s.count} · ${yuan(s.total)} (${t("fund")} ${yuan(s.fund)} · ${t("account")} ${yuan(s.account)} · ${t("cash")} ${yuan(s.cash)})`;
  const csv = el("button", { type: "button", id: "download", class: "plain", text: t("download"), onclick: async () => {
    const r = await fetch(`/v1/reconciliation/runs/${run.id}`, { credentials: "same-origin", headers: { Accept: "text/csv" } });
    const link = el("a", { href: URL.createObjectURL(await r.blob()), download: `reconciliation-${run.date}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
  } });
  const th = (k, attrs = {}) => el("th", Object.assign({ "data-t": k, text: t(k) }, attrs));
  const head = el("thead", {},
    el("tr", {}, ...["kindOfDiff", "settlementId", "fields"].map((k) => th(k, { rowspan: "2" })),
      ...["platform", "bureauSide"].map((k) => th(k, { colspan: "5" }))),
    el("tr", {}, ...[0, 1].flatMap(() => [...AMOUNTS, "state"].map((k) => th(k)))));
  $("run").replaceChildren(
    el("p", { id: "run-summary", text: `${run.date} · ${t("platform")}: ${side(run.platform)} · ${t("bureauSide")}: ${side(run.bureau)} · ${t("matched")} ${run.matched}` }),
    el("table", { id: "discrepancies" }, head, el("tbody", {}, ...run.discrepancies.map((d) => {
      const differs = d.kind === "status_mismatch" ? ["status"] : d.fields || [];
      return el("tr", { "data-kind": d.kind }, el("td", {}, el("span", { class: "tag", text: t(d.kind) })),
        el("td", { text: d.settlementId }), el("td", { text: differs.map(t).join(", ") }),
        ...sideCells(d.platform, differs), ...sideCells(d.bureau, differs));
    }))),
    csv);
}
