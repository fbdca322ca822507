"""The workbench in a real headless Chromium through WebDriver (Debian's chromium, chromium-driver
and python3-selenium), against a real rxflow with a seeded registry (API.md §12).

  workbench_test.py RXFLOW_BIN RXSIGN_TOOL_BIN ARTEFACT_DIR CASE
CASE: pickup (a clerk and a pharmacist take one pickup prescription from routed to dispensed by
clicking and typing only) | delivery (handed over in the workbench, then worked by a rider on a
360 px wide screen to delivered with the proof code) | headers (the page's security headers,
nothing inline)."""
import json
import os
import subprocess
import sys
import tempfile
import datetime
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "adversarial"))
from rxserver import Server  # noqa: E402

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

PASSWORD = "correct horse battery staple"


def check(ok, what):
    if not ok:
        raise AssertionError(what)


class World:
    """rxflow with clinic C001 and its doctor, store S001 of chain CH1 with stock, a pharmacist
    and a clerk of S001, and the doctor's signing key from rxsign-tool's development PKI."""

    def __init__(self, rxflow, tool):
        self.pki = tempfile.mkdtemp(prefix="rxweb-pki-")
        subprocess.run([tool, "pki", self.pki, "--license", "110330200000001"], check=True, stdout=subprocess.DEVNULL)
        self.tool = tool
        self.s = Server(rxflow, env={"RXFLOW_TRUST_CA": os.path.join(self.pki, "root-ca.pem"),
                                     "RXFLOW_OUTBOX_MAX_ATTEMPTS": "1", "RXFLOW_OUTBOX_TIMEOUT_MS": "500"})
        a = self.s.admin
        self.ok(self.s.call("POST", "/v1/admin/clinics", {"id": "C001", "name": "云医院", "region": "330200"}, a))
        self.ok(self.s.call("POST", "/v1/admin/doctors", {"license": "110330200000001", "name": "谢道奋",
                                                           "clinics": ["C001"], "active": True}, a))
        self.ok(self.s.call("POST", "/v1/admin/pharmacies", {"id": "S001", "chain": "CH1", "name": "药房", "region": "330200",
                                                              "district": "330203", "lat": "29.87", "lon": "121.55",
                                                              "delivery": True, "adapter": {"type": "pull"}}, a))
        self.ok(self.s.call("PUT", "/v1/pharmacies/S001/stock", {"items": [{"drugCode": "XC08CAA001", "quantity": 50}]}, a))
        self.clinic = self.ok(self.s.call("POST", "/v1/admin/principals", {"role": "clinic", "org": "C001", "name": "c"}, a))["token"]
        self.ok(self.s.call("POST", "/v1/admin/couriers", {"id": "SF", "name": "顺丰同城"}, a))
        for kind, login, license in (("pharmacist", "wang", "YS33020001"), ("clerk", "li", None)):
            body = {"kind": kind, "org": "CH1", "stores": ["S001"], "name": "王药师" if license else "李店员",
                    "login": login, "password": PASSWORD}
            if license:
                body["license"] = license
            self.ok(self.s.call("POST", "/v1/admin/staff", body, a))
        self.ok(self.s.call("POST", "/v1/admin/staff", {"kind": "rider", "org": "SF", "name": "张骑手", "login": "zhang",
                                                         "password": PASSWORD}, a))
        self.ok(self.s.call("POST", "/v1/admin/staff", {"kind": "bureau", "org": "330200", "name": "医保经办",
                                                         "login": "yibao", "password": PASSWORD}, a))
        self.ok(self.s.call("POST", "/v1/admin/staff", {"kind": "operator", "org": "platform", "name": "运营小周",
                                                         "login": "zhou", "password": PASSWORD}, a))
        self.ok(self.s.call("POST", "/v1/admin/staff", {"kind": "doctor", "org": "C001", "name": "谢道奋", "login": "xie",
                                                         "license": "110330200000001", "password": PASSWORD}, a))
        self.chain = self.ok(self.s.call("POST", "/v1/admin/principals", {"role": "pharmacy", "org": "CH1", "name": "erp"}, a))["token"]
        self.insurer = self.ok(self.s.call("POST", "/v1/admin/principals", {"role": "insurer", "org": "330200", "name": "ins"}, a))["token"]

    def ok(self, reply):
        status, _, body = reply
        check(200 <= status < 300, "seeding failed: %s %s" % (status, body))
        return body

    def issue(self, rx_no, fulfillment):
        now = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))) - datetime.timedelta(minutes=1)
        rx = {"rxNo": rx_no, "clinicId": "C001", "doctor": {"license": "110330200000001", "name": "谢道奋"},
              "issuedAt": now.strftime("%Y-%m-%dT%H:%M:%S+08:00"), "validDays": 1,
              "visit": {"kind": "follow_up", "initialVisit": {"institution": "李惠利医院", "date": "2026-10-02"},
                        "diagnoses": [{"code": "I10", "name": "原发性高血压"}]},
              "patient": {"name": "朱明勇", "idType": "resident_id", "idNumber": "330203196001011232", "gender": "M",
                          "birthDate": "1960-01-01", "phone": "13800000000",
                          "insurance": {"region": "330200", "psnNo": "33020000000000000001"}},
              "longTerm": False,
              "items": [{"drugCode": "XC08CAA001", "name": "苯磺酸氨氯地平片", "quantity": 2, "unit": "box",
                         "dose": {"amount": "5", "unit": "mg"}, "frequency": "qd", "route": "oral", "days": 7}]}
        path = os.path.join(self.pki, rx_no + ".json")
        with open(path, "w") as f:
            json.dump({"prescription": rx}, f, ensure_ascii=False)
        sig = subprocess.run([self.tool, "sign", "--key", os.path.join(self.pki, "doctor-es256.key"), "--member",
                              "prescription", path], check=True, capture_output=True, text=True).stdout.strip()
        cert = open(os.path.join(self.pki, "doctor-es256.pem")).read()
        chain = open(os.path.join(self.pki, "chain.pem")).read()
        body = {"prescription": rx, "signature": {"alg": "ES256", "certificate": cert, "chain": [chain], "value": sig},
                "fulfillment": fulfillment}
        return self.ok(self.s.call("POST", "/v1/prescriptions", body, self.clinic))


def browser(width, height):
    options = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=%d,%d" % (width, height), "--lang=zh-CN"):
        options.add_argument(a)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if width < 500:  # a phone: Chromium's window is never narrower than 500 px, its emulation is
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": width, "height": height,
                                                                              "pixelRatio": 2}})
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)


def console_errors(driver):
    """Errors in the console: scripts, CSP violations, files that did not load. An API call the
    server refused (a wrong pickup code) is logged by Chromium as a failed load too; the page
    shows those next to the action, so answers of /v1/ are not counted."""
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")
            and not (e.get("source") == "network" and "/v1/" in e["message"])]


def log_in(driver, base, login, page="orders"):
    driver.get(base + "/")
    wait = WebDriverWait(driver, 10)
    wait.until(EC.visibility_of_element_located((By.ID, "login-name"))).send_keys(login)
    driver.find_element(By.ID, "login-password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-submit").click()
    wait.until(EC.visibility_of_element_located((By.ID, page)))


def log_out(driver):
    driver.find_element(By.ID, "logout").click()
    WebDriverWait(driver, 10).until(EC.visibility_of_element_located((By.ID, "login-name")))


def click(driver, by, what):
    """Clicks the element once it is there, again if the page redrew it in between."""
    def clicked(d):
        try:
            d.find_element(by, what).click()
            return True
        except (StaleElementReferenceException, NoSuchElementException):
            return False
    WebDriverWait(driver, 10).until(clicked)


def open_order(driver, tab, rx_id):
    click(driver, By.ID, "tab-" + tab)
    click(driver, By.CSS_SELECTOR, 'tr[data-id="%s"]' % rx_id)
    WebDriverWait(driver, 10).until(EC.visibility_of_element_located((By.ID, "detail-state")))


def state_is(driver, status):
    WebDriverWait(driver, 10, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda d: d.find_element(By.ID, "detail-state").get_attribute("data-status") == status)


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
        d.find_element(By.ID, "statement").send_keys(statement)
        d.find_element(By.ID, "upload").click()
        WebDriverWait(d, 10).until(EC.visibility_of_element_located((By.ID, "discrepancies")))
        rows = [r.text for r in d.find_elements(By.CSS_SELECTOR, "#discrepancies tr")]
        check(any("amount_mismatch" in r and "ST-1" in r and "fund" in r and "account" in r for r in rows), rows)
        check(any("missing_in_platform" in r and "ST-X" in r for r in rows), rows)
        check("1" in d.find_element(By.ID, "run-summary").text, "no summary")
        d.save_screenshot(os.path.join(artefacts, "bureau-1280.png"))
        d.find_element(By.ID, "download").click()
        WebDriverWait(d, 10).until(lambda x: any(n.endswith(".csv") for n in os.listdir(downloads)))
        report = open(os.path.join(downloads, [n for n in os.listdir(downloads) if n.endswith(".csv")][0])).read()
        check("ST-X" in report and "amount_mismatch" in report, "the downloaded report: %r" % report[:300])
        check(not console_errors(d), "console errors: %s" % console_errors(d))
    finally:
        d.quit()


def case_operator(world, artefacts):
    a = world.s.admin
    world.ok(world.s.call("POST", "/v1/admin/pharmacies", {"id": "W001", "chain": "CHW", "name": "网店", "region": "330200",
                                                            "district": "330203", "lat": "29.87", "lon": "121.55",
                                                            "delivery": True,
                                                            "adapter": {"type": "webhook", "url": "http://127.0.0.1:9/erp",
                                                                        "secret": "a-webhook-secret-0123456789"}}, a))
    world.ok(world.s.call("PUT", "/v1/pharmacies/W001/stock", {"items": [{"drugCode": "XC08CAA001", "quantity": 5}]}, a))
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
        status, _, session = world.s.call("POST", "/v1/sessions", {"login": "xin", "password": PASSWORD})
        check(status == 201, "the new clerk does not log in: %s" % status)
        check(world.s.call("GET", "/v1/me", token=session["token"])[0] == 200, "the new clerk's session")
        d.find_element(By.ID, "deactivate-xin").click()
        d.switch_to.alert.accept()
        WebDriverWait(d, 10).until(lambda x: not x.find_elements(By.ID, "deactivate-xin"))
        check(world.s.call("GET", "/v1/me", token=session["token"])[0] == 401, "the deactivated clerk's session still works")
        d.find_element(By.ID, "verify").click()
        WebDriverWait(d, 10).until(lambda x: "ok=true" in x.find_element(By.ID, "verify-result").text)
        click(d, By.ID, "retry-" + dead[0]["id"])
        WebDriverWait(d, 10).until(lambda x: x.find_element(By.ID, "operator-error").text == "")
        d.save_screenshot(os.path.join(artefacts, "operator-1280.png"))
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
        d.find_element(By.ID, "cancel-reason").send_keys("患者改为线下就诊")
        d.find_element(By.ID, "do-cancel").click()
        d.switch_to.alert.dismiss()  # asked again: not this time
        check(world.s.call("GET", "/v1/prescriptions/" + newer, token=world.clinic)[2]["status"] == "routed", "cancelled unasked")
        d.find_element(By.ID, "do-cancel").click()
        d.switch_to.alert.accept()
        WebDriverWait(d, 10, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda x: x.find_element(By.ID, "timeline-state").get_attribute("data-status") == "cancelled")
        d.save_screenshot(os.path.join(artefacts, "doctor-1280.png"))
        check(not console_errors(d), "console errors: %s" % console_errors(d))
    finally:
        d.quit()


def case_headers(world, artefacts):
    for path in ("/", "/web/app.js", "/web/app.css"):
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


def main():
    rxflow, tool, artefacts, case = sys.argv[1:5]
    artefacts = os.path.abspath(artefacts)
    os.makedirs(artefacts, exist_ok=True)
    world = World(rxflow, tool)
    try:
        {"pickup": case_pickup, "delivery": case_delivery, "bureau": case_bureau, "operator": case_operator, "doctor": case_doctor,
         "headers": case_headers}[case](world, artefacts)
    except Exception:
        print(world.s.log()[-4000:])
        raise
    finally:
        world.s.stop()
    print("workbench %s: ok" % case)


if __name__ == "__main__":
    main()
