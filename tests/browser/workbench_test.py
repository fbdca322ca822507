"""The workbench in a real headless Chromium through WebDriver (Debian's chromium, chromium-driver
and python3-selenium), against a real rxflow with a seeded registry (API.md §12).

  workbench_test.py RXFLOW_BIN RXSIGN_TOOL_BIN ARTEFACT_DIR CASE
CASE: pickup (a clerk and a pharmacist take one pickup prescription from routed to dispensed by
clicking and typing only) | delivery (handed over in the workbench, then worked by a rider on a
360 px wide screen to delivered with the proof code) | headers (the page's security headers,
nothing inline) | bureau | operator | doctor."""
import datetime
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from workbench import (PASSWORD, browser, check, click, console_errors, log_in, log_in_api, run_case,  # noqa: E402
                       log_out, open_order, state_is, unlabelled)
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def case_pickup(world, artefacts):
    issued = world.issue("WEB-P-1", {"mode": "pickup", "pharmacy": "S001"})
    rx, code = issued["id"], issued["pickupCode"]
    base = "http://127.0.0.1:%d" % world.s.port
    d = browser(1280, 900)
    try:
        log_in(d, base, "li")  # the clerk accepts
        d.save_screenshot(os.path.join(artefacts, "orders-1280.png"))
        open_order(d, "routed", rx)
        d.find_element(By.ID, "do-accept").click()
        state_is(d, "accepted")
        check(not d.find_elements(By.ID, "do-approve"), "a clerk is offered the review")
        log_out(d)
        log_in(d, base, "wang")  # the pharmacist reviews
        open_order(d, "accepted", rx)
        d.find_element(By.ID, "do-approve").click()
        state_is(d, "approved")
        log_out(d)
        log_in(d, base, "li")  # the clerk takes the payment and dispenses
        open_order(d, "approved", rx)
        d.find_element(By.ID, "pay-total").send_keys("57.00")
        d.find_element(By.ID, "do-pay").click()
        WebDriverWait(d, 10).until(EC.visibility_of_element_located((By.ID, "pickup-code")))
        wrong = "000000" if code != "000000" else "111111"
        d.find_element(By.ID, "pickup-code").send_keys(wrong)
        d.find_element(By.ID, "batch-0").send_keys("B20260918")
        d.find_element(By.ID, "expiry-0").send_keys("2028-08-31")
        d.find_element(By.ID, "do-dispense").click()
        WebDriverWait(d, 10, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda x: x.find_element(By.ID, "action-error").text.strip() != "")
        said = d.find_element(By.ID, "action-error").text
        check("4" in said, "the wrong code's refusal does not say the tries left: %r" % said)
        d.save_screenshot(os.path.join(artefacts, "dispense-1280.png"))
        check(not unlabelled(d), "controls without a label: %s" % unlabelled(d))
        d.find_element(By.ID, "pickup-code").clear()
        d.find_element(By.ID, "pickup-code").send_keys(code)
        d.find_element(By.ID, "do-dispense").click()
        state_is(d, "dispensed")
        errors = console_errors(d)
        check(not errors, "browser console errors: %s" % errors)
    finally:
        d.quit()
    _, _, view = world.s.call("GET", "/v1/prescriptions/" + rx, token=world.s.admin)
    steps = [(h["status"], h["actor"].get("staff", {}).get("name")) for h in view["history"]]
    for step in (("accepted", "李店员"), ("approved", "王药师"), ("dispensed", "李店员")):
        check(step in steps, "history lacks %s: %s" % (step, steps))


def case_delivery(world, artefacts):
    issued = world.issue("WEB-D-1", {"mode": "delivery", "pharmacy": "S001",
                                     "address": {"region": "330200", "district": "330203", "line": "中山东路1号",
                                                 "lat": "29.87", "lon": "121.55"}})
    rx, code = issued["id"], issued["pickupCode"]
    base = "http://127.0.0.1:%d" % world.s.port
    d = browser(1280, 900)
    try:
        log_in(d, base, "li")
        open_order(d, "routed", rx)
        d.find_element(By.ID, "do-accept").click()
        state_is(d, "accepted")
        log_out(d)
        log_in(d, base, "wang")
        open_order(d, "accepted", rx)
        d.find_element(By.ID, "do-approve").click()
        state_is(d, "approved")
        d.find_element(By.ID, "pay-total").send_keys("57")
        d.find_element(By.ID, "do-pay").click()
        WebDriverWait(d, 10).until(EC.visibility_of_element_located((By.ID, "courier"))).send_keys("SF")
        d.find_element(By.ID, "batch-0").send_keys("B20260918")
        d.find_element(By.ID, "expiry-0").send_keys("2028-08-31")
        d.find_element(By.ID, "do-handover").click()
        state_is(d, "in_delivery")
        handed = world.s.call("GET", "/v1/prescriptions/" + rx, token=world.chain)[2]["delivery"]["id"]
        check(handed in d.find_element(By.ID, "delivery-info").text, "the delivery id is not shown for the rider")
        check(not console_errors(d), "console errors: %s" % console_errors(d))
    finally:
        d.quit()
    phone = browser(360, 740)
    try:
        log_in(phone, base, "zhang", page="deliveries")
        wait = WebDriverWait(phone, 10, ignored_exceptions=[StaleElementReferenceException])
        row = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#delivery-list li")))
        delivery = row.get_attribute("data-id")
        phone.save_screenshot(os.path.join(artefacts, "rider-360.png"))
        width = phone.execute_script("return document.documentElement.scrollWidth")
        widest = phone.execute_script(
            "let w = null; for (const e of document.querySelectorAll('body *')) { const r = e.getBoundingClientRect();"
            " if (r.right > 360 && (!w || r.right > w[1])) w = [e.tagName + '#' + e.id + '.' + e.className, r.right]; } return w;")
        check(width <= 360, "the rider's page is wider than the phone: %s px (%s)" % (width, widest))
        check(not unlabelled(phone), "controls without a label: %s" % unlabelled(phone))
        for button, stage in (("picked", "picked_up"), ("transit", "in_transit")):
            phone.find_element(By.ID, "%s-%s" % (button, delivery)).click()
            wait.until(lambda x: x.find_element(By.CSS_SELECTOR, 'li[data-id="%s"]' % delivery).get_attribute("data-stage") == stage)
        wrong = "000000" if code != "000000" else "111111"
        phone.find_element(By.ID, "proof-" + delivery).send_keys(wrong)
        phone.find_element(By.ID, "delivered-" + delivery).click()
        wait.until(lambda x: x.find_element(By.ID, "error-" + delivery).text.strip() != "")
        phone.find_element(By.ID, "proof-" + delivery).clear()
        phone.find_element(By.ID, "proof-" + delivery).send_keys(code)
        phone.find_element(By.ID, "delivered-" + delivery).click()
        wait.until(lambda x: not x.find_elements(By.CSS_SELECTOR, 'li[data-id="%s"]' % delivery))
        check(not console_errors(phone), "console errors: %s" % console_errors(phone))
    finally:
        phone.quit()
    _, _, view = world.s.call("GET", "/v1/prescriptions/" + rx, token=world.s.admin)
    check(view["status"] == "delivered", "not delivered: %s" % view["status"])
    steps = [(h["status"], h["actor"].get("staff", {}).get("name")) for h in view["history"]]
    for step in (("in_delivery", "王药师"), ("delivered", "张骑手")):
        check(step in steps, "history lacks %s: %s" % (step, steps))


def approved_and_paid(world, rx_no, settlement):
    """A pickup prescription at S001, approved through the chain's token, its insurance payment
    posted by the bureau today."""
    rx = world.issue(rx_no, {"mode": "pickup", "pharmacy": "S001"})["id"]
    base = "/v1/prescriptions/" + rx
    world.ok(world.s.call("POST", base + "/accept", {}, world.chain))
    world.ok(world.s.call("POST", base + "/review", {"decision": "approve",
                                                       "pharmacist": {"name": "王药师", "license": "YS33020001"}}, world.chain))
    now = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    world.ok(world.s.call("POST", base + "/payments", {"kind": "insurance", "settlementId": settlement, "payOrderId": "PO-1",
                                                         "total": 5700, "fund": 3990, "account": 1000, "cash": 710,
                                                         "paidAt": now}, world.insurer))
    return rx, now


def case_bureau(world, artefacts):
    rx, now = approved_and_paid(world, "WEB-B-1", "ST-1")
    statement = os.path.join(artefacts, "statement.csv")
    with open(statement, "w") as f:
        f.write("settlement_id,pay_order_id,prescription_id,psn_no,total,fund,account,cash,status,settled_at\r\n")
        f.write("ST-1,PO-1,%s,33020000000000000001,5700,3900,1090,710,settled,%s\r\n" % (rx, now))
        f.write("ST-X,PO-X,rx_unknown,33020000000000000002,1200,800,400,0,settled,%s\r\n" % now)
    base = "http://127.0.0.1:%d" % world.s.port
    d = browser(1280, 900)
    downloads = os.path.join(artefacts, "downloads")
    os.makedirs(downloads, exist_ok=True)
    d.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    try:
        log_in(d, base, "yibao", page="bureau")
        WebDriverWait(d, 10).until(lambda x: "ST-1" in x.find_element(By.ID, "day-payments").text)
        shown = d.find_element(By.CSS_SELECTOR, "#day-payments span.id")
        check(shown.get_attribute("title") == rx and shown.text.startswith("…" + rx[-8:]), "the id: %r" % shown.text)
        d.find_element(By.ID, "statement").send_keys(statement)
        d.find_element(By.ID, "upload").click()
        WebDriverWait(d, 10).until(EC.visibility_of_element_located((By.ID, "discrepancies")))
        rows = [r.text for r in d.find_elements(By.CSS_SELECTOR, "#discrepancies tbody tr")]
        check(len(rows) == 2, rows)
        check(any("金额不符" in r and "ST-1" in r and "统筹" in r and "个人账户" in r for r in rows), rows)
        check(any("平台无此笔" in r and "ST-X" in r for r in rows), rows)
        marked = [c.text for c in d.find_elements(By.CSS_SELECTOR, '#discrepancies tr[data-kind="amount_mismatch"] td.diff')]
        check(marked == ["¥39.90", "¥10.00", "¥39.00", "¥10.90"], "the differing fields marked: %s" % marked)
        check("1" in d.find_element(By.ID, "run-summary").text, "no summary")
        WebDriverWait(d, 10).until(lambda x: len(x.find_elements(By.CSS_SELECTOR, "#past-runs tbody tr")) == 1)
        run = world.s.call("GET", "/v1/reconciliation/runs?date=" + now[:10], token=world.insurer)[2]["runs"][0]
        d.execute_script("document.getElementById('run').replaceChildren()")  # the fresh result gone
        click(d, By.ID, "run-" + run["id"])  # a past run opens again with its discrepancies
        WebDriverWait(d, 10).until(lambda x: len(x.find_elements(By.CSS_SELECTOR, "#discrepancies tbody tr")) == 2)
        d.save_screenshot(os.path.join(artefacts, "bureau-1280.png"))
        check(not unlabelled(d), "controls without a label: %s" % unlabelled(d))
        d.find_element(By.ID, "download").click()
        WebDriverWait(d, 10).until(lambda x: any(n.endswith(".csv") for n in os.listdir(downloads)))
        report = open(os.path.join(downloads, [n for n in os.listdir(downloads) if n.endswith(".csv")][0])).read()
        check("ST-X" in report and "amount_mismatch" in report, "the downloaded report: %r" % report[:300])
        check(not console_errors(d), "console errors: %s" % console_errors(d))
    finally:
        d.quit()


def case_operator(world, artefacts):
    a = world.s.admin
    world.add_store("W001", "CHW", {"type": "webhook", "url": "http://127.0.0.1:9/erp", "secret": "a-webhook-secret-0123456789"})
    world.issue("WEB-O-1", {"mode": "pickup", "pharmacy": "W001"})
    deadline = time.time() + 30
    while time.time() < deadline and not world.s.call("GET", "/v1/admin/outbox?status=dead", token=a)[2]["messages"]:
        time.sleep(0.2)
    dead = world.s.call("GET", "/v1/admin/outbox?status=dead", token=a)[2]["messages"]
    check(dead, "no dead letter to retry")
    base = "http://127.0.0.1:%d" % world.s.port
    d = browser(1280, 900)
    try:
        log_in(d, base, "zhou", page="operator")
        for field, value in (("new-org", "CH1"), ("new-stores", "S001"), ("new-name", "新店员"), ("new-login", "xin"),
                             ("new-password", PASSWORD)):
            d.find_element(By.ID, field).send_keys(value)
        d.find_element(By.ID, "create-staff").click()
        WebDriverWait(d, 10).until(EC.visibility_of_element_located((By.ID, "deactivate-xin")))
        first = log_in_api(world, "xin", PASSWORD)
        # 重置密码: typed twice in the dialog; the member's open session ends.
        click(d, By.ID, "reset-xin")
        WebDriverWait(d, 10).until(EC.visibility_of_element_located((By.ID, "reset-password")))
        new_password = "another long password 2026"
        d.find_element(By.ID, "reset-password").send_keys(new_password)
        d.find_element(By.ID, "reset-again").send_keys(new_password + "x")
        d.find_element(By.ID, "reset-submit").click()
        WebDriverWait(d, 10).until(lambda x: x.find_element(By.ID, "reset-error").text != "")
        check(world.s.call("GET", "/v1/me", token=first)[0] == 200, "a mistyped reset changed something")
        d.find_element(By.ID, "reset-again").clear()
        d.find_element(By.ID, "reset-again").send_keys(new_password)
        d.find_element(By.ID, "reset-submit").click()
        WebDriverWait(d, 10).until(lambda x: "xin" in x.find_element(By.ID, "operator-note").text)
        check(world.s.call("GET", "/v1/me", token=first)[0] == 401, "the session outlived the password reset")
        second = log_in_api(world, "xin", new_password)
        d.find_element(By.ID, "deactivate-xin").click()
        d.switch_to.alert.accept()
        WebDriverWait(d, 10).until(lambda x: not x.find_elements(By.ID, "deactivate-xin"))
        check(world.s.call("GET", "/v1/me", token=second)[0] == 401, "the deactivated clerk's session still works")
        # The registries: a clinic registered from its form; the stores with adapter and stock age.
        click(d, By.ID, "menu-clinics")
        for field, value in (("new-clinics-id", "C009"), ("new-clinics-name", "互联网医院"), ("new-clinics-region", "330200")):
            d.find_element(By.ID, field).send_keys(value)
        d.find_element(By.ID, "create-clinics").click()
        WebDriverWait(d, 10).until(lambda x: "C009" in x.find_element(By.ID, "list-clinics").text)
        check(world.s.call("GET", "/v1/admin/clinics/C009", token=a)[0] == 200, "the clinic is not registered")
        click(d, By.ID, "menu-pharmacies")
        WebDriverWait(d, 10).until(lambda x: "W001" in x.find_element(By.ID, "list-pharmacies").text)
        stores = {r.find_elements(By.TAG_NAME, "td")[0].text: r.text
                  for r in d.find_elements(By.CSS_SELECTOR, "#list-pharmacies tbody tr")}
        check("webhook http://127.0.0.1:9/erp" in stores["W001"] and "刚刚" in stores["W001"], stores)
        check("pull" in stores["S001"], stores)
        check("a-webhook-secret" not in d.page_source, "the adapter secret is on the page")
        d.save_screenshot(os.path.join(artefacts, "operator-stores-1280.png"))
        click(d, By.ID, "menu-doctors")
        WebDriverWait(d, 10).until(lambda x: "110330200000001" in x.find_element(By.ID, "list-doctors").text)
        click(d, By.ID, "menu-couriers")
        WebDriverWait(d, 10).until(lambda x: "顺丰同城" in x.find_element(By.ID, "list-couriers").text)
        click(d, By.ID, "menu-auditVerify")
        d.find_element(By.ID, "verify").click()
        WebDriverWait(d, 10).until(lambda x: "审计链完整" in x.find_element(By.ID, "verify-result").text)
        click(d, By.ID, "menu-deadLetters")
        click(d, By.ID, "retry-" + dead[0]["id"])
        WebDriverWait(d, 10).until(lambda x: str(dead[0]["id"]) in x.find_element(By.ID, "operator-note").text)
        check(d.find_element(By.ID, "operator-error").text == "", d.find_element(By.ID, "operator-error").text)
        click(d, By.ID, "menu-staff")
        d.save_screenshot(os.path.join(artefacts, "operator-1280.png"))
        check(not unlabelled(d), "controls without a label: %s" % unlabelled(d))
        check(not console_errors(d), "console errors: %s" % console_errors(d))
    finally:
        d.quit()
    events = world.s.call("GET", "/v1/audit?limit=200", token=a)[2]["events"]
    retried = [e for e in events if e["action"] == "outbox.retry"]
    check(retried and retried[0]["actor"].get("staff", {}).get("name") == "运营小周", "the retry is not on record")


def case_doctor(world, artefacts):
    older = world.issue("WEB-DR-1", {"mode": "pickup", "pharmacy": "S001"})["id"]
    newer = world.issue("WEB-DR-2", {"mode": "pickup", "pharmacy": "S001"})["id"]
    base = "http://127.0.0.1:%d" % world.s.port
    d = browser(1280, 900)
    try:
        log_in(d, base, "xie", page="doctor")
        WebDriverWait(d, 10).until(lambda x: len(x.find_elements(By.CSS_SELECTOR, "#clinic-list tr")) == 2)
        ids = [r.get_attribute("data-id") for r in d.find_elements(By.CSS_SELECTOR, "#clinic-list tr")]
        check(ids == [newer, older], "not newest first: %s" % ids)
        click(d, By.CSS_SELECTOR, 'tr[data-id="%s"]' % newer)
        WebDriverWait(d, 10).until(EC.visibility_of_element_located((By.ID, "do-cancel")))
        check("S001" in d.find_element(By.ID, "timeline-store").text, d.find_element(By.ID, "timeline-store").text)
        d.find_element(By.ID, "cancel-reason").send_keys("患者改为线下就诊")
        d.find_element(By.ID, "do-cancel").click()
        d.switch_to.alert.dismiss()  # asked again: not this time
        check(world.s.call("GET", "/v1/prescriptions/" + newer, token=world.clinic)[2]["status"] == "routed", "cancelled unasked")
        d.find_element(By.ID, "do-cancel").click()
        d.switch_to.alert.accept()
        WebDriverWait(d, 10, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda x: x.find_element(By.ID, "timeline-state").get_attribute("data-status") == "cancelled")
        # The older one, reviewed at the store: its timeline names the pharmacist.
        world.ok(world.s.call("POST", "/v1/prescriptions/%s/accept" % older, {}, world.chain))
        world.ok(world.s.call("POST", "/v1/prescriptions/%s/review" % older, {"decision": "approve", "pharmacist": {
            "name": "王药师", "license": "YS33020001"}}, world.chain))
        click(d, By.CSS_SELECTOR, 'tr[data-id="%s"]' % older)
        WebDriverWait(d, 10, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda x: "王药师 (YS33020001)" in x.find_element(By.ID, "timeline-steps").text)
        d.save_screenshot(os.path.join(artefacts, "doctor-1280.png"))
        check(not unlabelled(d), "controls without a label: %s" % unlabelled(d))
        check(not console_errors(d), "console errors: %s" % console_errors(d))
    finally:
        d.quit()


def case_headers(world, artefacts):
    _, _, html = world.s.call("GET", "/")
    files = re.findall(r'(?:src|href)="(/web/[^"]+)"', html.decode())
    check(len(files) >= 7, "the page's files: %s" % files)
    for path in ["/"] + files:
        status, headers, body = world.s.call("GET", path)
        check(status == 200, "%s: %s" % (path, status))
        check(headers.get("content-security-policy") == "default-src 'self'; frame-ancestors 'none'", path)
        check(headers.get("x-content-type-options") == "nosniff", path)
        check(headers.get("referrer-policy") == "no-referrer", path)
    _, _, html = world.s.call("GET", "/")
    text = html.decode()
    check("<script>" not in text and "style=" not in text and "<style" not in text, "inline script or style in /")
    status, _, _ = world.s.call("GET", "/web/nosuch.js")
    check(status == 404, "an unknown file is not 404")


if __name__ == "__main__":
    run_case({"pickup": case_pickup, "delivery": case_delivery, "bureau": case_bureau, "operator": case_operator,
              "doctor": case_doctor, "headers": case_headers})
