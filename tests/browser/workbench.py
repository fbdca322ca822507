"""What the workbench's browser tests and its benchmark share: a real rxflow with a seeded registry
(World), headless Chromium through WebDriver (Debian's chromium, chromium-driver, python3-selenium),
and the steps a person takes on the page."""
import json
import os
import subprocess
import sys
import tempfile
import datetime

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

    def add_store(self, store, chain, adapter, delivery=True, quantity=5):
        """Registers a store of the chain in Ningbo (330200) with stock of the demo drug."""
        a = self.s.admin
        self.ok(self.s.call("POST", "/v1/admin/pharmacies", {"id": store, "chain": chain, "name": store + " 药房",
                                                              "region": "330200", "district": "330203", "lat": "29.87",
                                                              "lon": "121.55", "delivery": delivery, "adapter": adapter}, a))
        self.ok(self.s.call("PUT", "/v1/pharmacies/%s/stock" % store,
                            {"items": [{"drugCode": "XC08CAA001", "quantity": quantity}]}, a))

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


def log_in_api(world, login, password):
    """A session of the member through the API (as another browser would have), its token."""
    status, _, body = world.s.call("POST", "/v1/sessions", {"login": login, "password": password})
    check(status == 201, "%s does not log in: %s" % (login, status))
    return body["token"]


def unlabelled(driver):
    """The visible controls a screen reader could not name: no label, aria-label, text or title."""
    return driver.execute_script("""
      return [...document.querySelectorAll('input, select, textarea, button')]
        .filter((e) => e.offsetParent !== null)
        .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim()
                       && !e.title)
        .map((e) => e.id || e.outerHTML.slice(0, 80));""")


def text_of(driver, by, what):
    """The element's text, read again if the page redrew it in between."""
    found = []

    def read(d):
        try:
            found.append(d.find_element(by, what).text)
            return True
        except (StaleElementReferenceException, NoSuchElementException):
            return False
    WebDriverWait(driver, 10).until(read)
    return found[-1]


def run_case(cases):
    """argv: RXFLOW_BIN RXSIGN_TOOL_BIN ARTEFACT_DIR CASE; runs cases[CASE](world, artefacts)
    against a World of its own, printing the server's log when it fails."""
    rxflow, tool, artefacts, case = sys.argv[1:5]
    artefacts = os.path.abspath(artefacts)
    os.makedirs(artefacts, exist_ok=True)
    world = World(rxflow, tool)
    try:
        cases[case](world, artefacts)
    except Exception:
        print(world.s.log()[-4000:])
        raise
    finally:
        world.s.stop()
    print("workbench %s: ok" % case)
