// 管理: the operator's administration (API.md §2, §7, §11, §12): the registries (clinics, doctors,
// stores with their adapter and the age of their stock, couriers), staff (create, deactivate,
// reset password), 审计校验 and the outbox's dead letters with 重试. Uses app.js.
"use strict";

const split = (text) => text.split(/[,，]/).map((x) => x.trim()).filter((x) => x);
function ago(iso) {
  if (!iso) return t("never");
  const minutes = Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 60000));
  if (minutes < 1) return t("justNow");
  if (minutes < 60) return `${minutes}${t("minutesShort")} ${t("ago")}`;
  if (minutes < 1440) return `${Math.floor(minutes / 60)}${t("hoursShort")} ${t("ago")}`;
  return `${Math.floor(minutes / 1440)}${t("daysShort")} ${t("ago")}`;
}

// Each registry: its list, its columns and their heads, its create form's fields and the body they make.
const REGISTRIES = {
  clinics: { path: "/v1/admin/clinics", fields: ["id", "name", "region"], heads: ["id", "name", "region"],
    columns: (c) => [c.id, c.name, c.region],
    body: (v) => ({ id: v.id, name: v.name, region: v.region }) },
  doctors: { path: "/v1/admin/doctors", fields: ["license", "name", "clinicIds"],
    heads: ["license", "name", "clinicIds", "state", ""],
    columns: (d) => [d.license, d.name, d.clinics.join(", "), d.active ? t("active_") : t("suspended"), suspendButton(d)],
    body: (v) => ({ license: v.license, name: v.name, clinics: split(v.clinicIds), active: true }) },
  pharmacies: { path: "/v1/admin/pharmacies",
    fields: ["id", "chain", "name", "region", "district", "lat", "lon", "delivery", "adapterType", "adapterUrl", "adapterSecret"],
    heads: ["id", "chain", "name", "region", "mode", "adapter", "stockAge"],
    columns: (p) => [p.id, p.chain, p.name, `${p.region} ${p.district}`, p.delivery ? t("delivery") : t("pickup"),
      p.adapter.type + (p.adapter.url ? " " + p.adapter.url : ""), ago(p.stockUpdatedAt)],
    body: (v) => {
      const b = { id: v.id, chain: v.chain, name: v.name, region: v.region, district: v.district, lat: v.lat, lon: v.lon,
        delivery: v.delivery, adapter: { type: v.adapterType } };
      if (v.adapterUrl) b.adapter.url = v.adapterUrl;
      if (v.adapterSecret) b.adapter.secret = v.adapterSecret;
      return b;
    } },
  couriers: { path: "/v1/admin/couriers", fields: ["id", "name"], heads: ["id", "name", "webhook"],
    columns: (c) => [c.id, c.name, c.webhook ? c.webhook.url : ""],
    body: (v) => ({ id: v.id, name: v.name }) },
};

function field(registry, name) {
  const id = `new-${registry}-${name}`;
  let input;
  if (name === "delivery") input = el("input", { id, type: "checkbox" });
  else if (name === "adapterType")
    input = el("select", { id }, ...["pull", "webhook", "fhir"].map((x) => el("option", { value: x, text: x })));
  else input = el("input", { id, autocomplete: "off", type: name === "adapterSecret" ? "password" : "text" });
  return el("label", {}, el("span", { "data-t": name, text: t(name) }), input);
}

async function loadRegistry(name) {
  const reg = REGISTRIES[name];
  const r = await api("GET", `${reg.path}?limit=200`);
  if (r.status !== 200) { $("operator-error").textContent = refusal(r); return; }
  $(`list-${name}`).tBodies[0].replaceChildren(...r.body[name].map((x) => cells(...reg.columns(x))));
}

function registrySection(name) {
  const reg = REGISTRIES[name];
  const form = el("form", { class: "row", id: `new-${name}` }, ...reg.fields.map((f) => field(name, f)),
    el("button", { type: "submit", id: `create-${name}`, "data-t": "create", text: t("create") }));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const v = {};
    reg.fields.forEach((f) => { const i = $(`new-${name}-${f}`); v[f] = i.type === "checkbox" ? i.checked : i.value.trim(); });
    const r = await api("POST", reg.path, reg.body(v));
    if (r.status !== 201) { $("operator-error").textContent = refusal(r); return; }
    $("operator-error").textContent = "";
    form.reset();
    loadRegistry(name);
  });
  return el("section", { id: `admin-${name}`, hidden: "" }, form,
    el("table", { id: `list-${name}` }, el("thead", {}, el("tr", {}, ...reg.heads.map((h) => el("th", h ? { "data-t": h, text: t(h) } : {})))),
      el("tbody")));
}

function suspendButton(d) {
  return el("button", { type: "button", class: d.active ? "danger" : "plain", id: `suspend-${d.license}`,
    text: d.active ? t("suspend") : t("reinstate"), onclick: async () => {
      if (d.active && !window.confirm(t("confirmSuspend"))) return;
      const r = await api("PUT", `/v1/admin/doctors/${encodeURIComponent(d.license)}`,
        { license: d.license, name: d.name, clinics: d.clinics, active: !d.active });
      if (r.status !== 200) $("operator-error").textContent = refusal(r); else loadRegistry("doctors");
    } });
}

async function loadStaff() {
  const error = $("operator-error");
  const r = await api("GET", "/v1/admin/staff?limit=200");
  if (r.status !== 200) return;
  $("staff-list").tBodies[0].replaceChildren(...r.body.staff.map((m) => cells(m.login, t(m.kind === "doctor" ? "doctorKind" : m.kind),
    m.org, m.name, m.active ? t("active_") : t("inactive"),
    m.active ? el("button", { type: "button", class: "danger", id: `deactivate-${m.login}`, text: t("deactivate"), onclick: async () => {
      if (!window.confirm(t("confirmDeactivate"))) return;
      const u = await api("PUT", `/v1/admin/staff/${m.id}`, { name: m.name, stores: m.stores, active: false });
      if (u.status !== 200) error.textContent = refusal(u); else loadStaff();
    } }) : "",
    el("button", { type: "button", class: "plain", id: `reset-${m.login}`, text: t("resetPassword"), onclick: () => resetPassword(m) }))));
}

// 重置密码 in a dialog: the new password typed twice; the member's sessions end (API.md §11).
function resetPassword(m) {
  const dialog = $("reset-dialog");
  $("reset-who").textContent = `${m.name} (${m.login})`;
  $("reset-error").textContent = "";
  $("reset-form").reset();
  $("reset-form").onsubmit = async (ev) => {
    ev.preventDefault();
    if ($("reset-password").value !== $("reset-again").value) { $("reset-error").textContent = t("passwordsDiffer"); return; }
    const r = await api("POST", `/v1/admin/staff/${m.id}/password`, { password: $("reset-password").value });
    if (r.status !== 200) { $("reset-error").textContent = refusal(r); return; }
    $("reset-form").reset();
    dialog.close();
    $("operator-error").textContent = "";
    $("operator-note").textContent = t("passwordReset").replace("{who}", m.login);
  };
  $("reset-cancel").onclick = () => dialog.close();
  dialog.showModal();
  $("reset-password").focus();
}

async function loadDead() {
  const r = await api("GET", "/v1/admin/outbox?status=dead&limit=200");
  if (r.status !== 200) return;
  $("dead-list").tBodies[0].replaceChildren(...r.body.messages.map((m) => cells(m.id, m.type, m.target.id, m.lastError || "",
    el("button", { type: "button", id: `retry-${m.id}`, text: t("retry"), onclick: async () => {
      const u = await api("POST", `/v1/admin/outbox/${m.id}/retry`, {});
      if (u.status !== 200) { $("operator-error").textContent = refusal(u); return; }
      $("operator-note").textContent = t("retried").replace("{id}", m.id);
      loadDead();
    } }))));
}

const ADMIN_PAGES = ["staff", "clinics", "doctors", "pharmacies", "couriers", "auditVerify", "deadLetters"];
function showAdmin(page) {
  ADMIN_PAGES.forEach((p) => {
    $(`admin-${p}`).hidden = p !== page;
    $(`menu-${p}`).setAttribute("aria-current", String(p === page));
  });
  if (REGISTRIES[page]) loadRegistry(page);
  else if (page === "staff") loadStaff();
  else if (page === "deadLetters") loadDead();
}

function operatorPage() {
  const registries = Object.keys(REGISTRIES).map(registrySection);
  $("admin-registries").replaceChildren(...registries);
  $("admin-menu").replaceChildren(...ADMIN_PAGES.map((p) =>
    el("button", { type: "button", class: "plain", id: `menu-${p}`, "data-t": p, text: t(p), onclick: () => showAdmin(p) })));
  $("new-staff").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = { kind: $("new-kind").value, org: $("new-org").value, name: $("new-name").value,
      login: $("new-login").value, password: $("new-password").value };
    const stores = split($("new-stores").value);
    if (stores.length) body.stores = stores;
    if ($("new-license").value) body.license = $("new-license").value;
    const r = await api("POST", "/v1/admin/staff", body);
    if (r.status !== 201) { $("operator-error").textContent = refusal(r); return; }
    $("operator-error").textContent = "";
    $("new-password").value = "";
    loadStaff();
  });
  $("verify").addEventListener("click", async () => {
    const r = await api("POST", "/v1/audit/verify", {});
    $("verify-result").textContent = r.status !== 200 ? refusal(r) : r.body.ok
      ? `${t("verifyOk")} · ${r.body.events} · ${r.body.checkpoints}`
      : `${t("verifyBad")} · ${t("firstBad")} ${r.body.firstBadSeq || r.body.firstBadCheckpoint || ""} · ${r.body.detail || ""}`;
  });
  showAdmin("staff");
}
