"""The workbench's habits (API.md §12, WORKBENCH.md) in a real headless Chromium: the English
switch, the keyboard alone, and what the browser keeps.

  workbench_habits_test.py RXFLOW_BIN RXSIGN_TOOL_BIN ARTEFACT_DIR CASE
CASE: english (the switch turns every word of the counter's page, the order's panel and the
login into English and back; it outlives a reload; the browser's storage holds the CSRF token
and the language only, its cookie is HttpOnly; logout ends the session on the server) | keyboard (a pharmacist logs in, accepts,
reviews, records the payment and dispenses a pickup order with Tab, Enter, Esc and typing only;
every control has a label) | stores (a member of several stores picks one in the top bar; a
member of one is not asked; a new order appears by itself, highlighted)."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from workbench import (PASSWORD, browser, check, console_errors, log_in, log_out, run_case,  # noqa: E402
                       open_order, state_is, text_of, unlabelled)
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402


def tab_says(d, prefix):
    """Waits for the 待接单 tab to say `prefix` (the tabs are redrawn with their counts)."""
    WebDriverWait(d, 10, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda x: x.find_element(By.ID, "tab-routed").text.startswith(prefix))


def words(d, css):
    return [e.text for e in d.find_elements(By.CSS_SELECTOR, css)]


def case_english(world, artefacts):
    rx = world.issue("WEB-EN-1", {"mode": "pickup", "pharmacy": "S001"})["id"]
    base = "http://127.0.0.1:%d" % world.s.port
    d = browser(1280, 900)
    try:
        log_in(d, base, "li")
        tab_says(d, "待接单")
        check("患者" in words(d, "#queue th"), words(d, "#queue th"))
        open_order(d, "routed", rx)
        check(d.find_element(By.ID, "do-accept").text == "接单", d.find_element(By.ID, "do-accept").text)
        d.find_element(By.ID, "lang").click()
        tab_says(d, "Routed")
        check(d.execute_script("return document.documentElement.lang") == "en", "the page's lang")
        check(words(d, "#queue th") == ["Received", "Prescription", "Patient", "Drugs", "Pickup or delivery", "Payment",
                                        "Time left", "State"], words(d, "#queue th"))
        WebDriverWait(d, 10, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda x: "Pickup" in x.find_element(By.CSS_SELECTOR, 'tr[data-id="%s"]' % rx).text)
        row = text_of(d, By.CSS_SELECTOR, 'tr[data-id="%s"]' % rx)
        check("Unpaid" in row and "Routed" in row and "accept within" in row, row)
        WebDriverWait(d, 10, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda x: x.find_element(By.ID, "do-accept").text == "Accept")
        check(d.find_element(By.ID, "logout").text == "Sign out", d.find_element(By.ID, "logout").text)
        d.save_screenshot(os.path.join(artefacts, "orders-en-1280.png"))
        # What the browser keeps: the CSRF token and the language; the session cookie out of reach.
        kept = d.execute_script("return [Object.keys(sessionStorage).sort(), localStorage.length, document.cookie]")
        check(kept == [["rxflow.csrf", "rxflow.lang"], 0, ""], "kept in the browser: %s" % kept)
        cookies = {c["name"]: c for c in d.get_cookies()}
        check(cookies["rxflow_session"]["httpOnly"] and cookies["rxflow_session"].get("sameSite") == "Strict", cookies)
        d.refresh()  # a reload asks the server again, in the language chosen
        tab_says(d, "Routed")
        session = d.get_cookie("rxflow_session")["value"]
        check(world.s.call("GET", "/v1/me", token=session)[0] == 200, "the page's session does not work")
        log_out(d)
        check(world.s.call("GET", "/v1/me", token=session)[0] == 401, "logout left the session open on the server")
        check(d.find_element(By.ID, "login-submit").text == "Sign in", d.find_element(By.ID, "login-submit").text)
        check(d.execute_script("return Object.keys(sessionStorage)") == ["rxflow.lang"], "the CSRF token outlived logout")
        log_in(d, base, "li")
        d.find_element(By.ID, "lang").click()
        tab_says(d, "待接单")
        check(d.find_element(By.ID, "logout").text == "退出登录", "not back in Chinese")
        # A login locked after five wrong passwords says so, in the page's words.
        log_out(d)
        for _ in range(6):
            d.find_element(By.ID, "login-name").clear()
            d.find_element(By.ID, "login-name").send_keys("zhang")
            d.find_element(By.ID, "login-password").send_keys("not the password at all", Keys.ENTER)
            WebDriverWait(d, 10).until(lambda x: x.find_element(By.ID, "login-error").text != "")
            said = d.find_element(By.ID, "login-error").text
            d.execute_script("document.getElementById('login-error').textContent = ''")
        check("账号已锁定 15 分钟" in said, "the lock is not said: %r" % said)
        check(not console_errors(d), "console errors: %s" % console_errors(d))
    finally:
        d.quit()


def case_stores(world, artefacts):
    a = world.s.admin
    world.add_store("S002", "CH1", {"type": "pull"}, delivery=False, quantity=9)
    world.ok(world.s.call("POST", "/v1/admin/staff", {"kind": "clerk", "org": "CH1", "stores": ["S001", "S002"],
                                                       "name": "两店店员", "login": "duo", "password": PASSWORD}, a))
    first = world.issue("WEB-S-1", {"mode": "pickup", "pharmacy": "S001"})["id"]
    second = world.issue("WEB-S-2", {"mode": "pickup", "pharmacy": "S002"})["id"]
    base = "http://127.0.0.1:%d" % world.s.port
    d = browser(1280, 900)
    try:
        log_in(d, base, "li")  # a member of one store has nothing to pick
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, 'tr[data-id="%s"]' % first)))
        check(not d.find_element(By.ID, "store-pick").is_displayed(), "a one-store clerk is offered a store picker")
        log_out(d)
        log_in(d, base, "duo")
        rows = lambda x: sorted(r.get_attribute("data-id") for r in x.find_elements(By.CSS_SELECTOR, "#queue tbody tr"))
        WebDriverWait(d, 10, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda x: rows(x) == sorted([first, second]))
        Select(d.find_element(By.ID, "store-pick")).select_by_value("S002")
        WebDriverWait(d, 10, ignored_exceptions=[StaleElementReferenceException]).until(lambda x: rows(x) == [second])
        check(text_of(d, By.ID, "tab-routed") == "待接单 1", text_of(d, By.ID, "tab-routed"))
        # A new order shows by itself (no reload), highlighted, and the tab's count follows.
        third = world.issue("WEB-S-3", {"mode": "pickup", "pharmacy": "S002"})["id"]
        WebDriverWait(d, 10, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda x: "fresh" in (x.find_element(By.CSS_SELECTOR, 'tr[data-id="%s"]' % third).get_attribute("class") or ""))
        check(text_of(d, By.ID, "tab-routed") == "待接单 2", text_of(d, By.ID, "tab-routed"))
        check("fresh" not in (d.find_element(By.CSS_SELECTOR, 'tr[data-id="%s"]' % second).get_attribute("class") or ""),
              "an order seen before is highlighted as new")
        d.save_screenshot(os.path.join(artefacts, "orders-stores-1280.png"))
        check(not console_errors(d), "console errors: %s" % console_errors(d))
    finally:
        d.quit()


def keys(d, *typed):
    ActionChains(d).send_keys(*typed).perform()


def tab_to(d, css, limit=80):
    """Presses Tab until the element is focused (as a person would), at most `limit` times."""
    for _ in range(limit):
        if d.execute_script("return document.activeElement && document.activeElement.matches(arguments[0])", css):
            return
        keys(d, Keys.TAB)
    raise AssertionError("Tab never reached %s" % css)


def case_keyboard(world, artefacts):
    issued = world.issue("WEB-K-1", {"mode": "pickup", "pharmacy": "S001"})
    rx, code = issued["id"], issued["pickupCode"]
    base = "http://127.0.0.1:%d" % world.s.port
    d = browser(1280, 900)
    try:
        d.get(base + "/")
        WebDriverWait(d, 10).until(lambda x: x.execute_script("return document.activeElement.id") == "login-name")
        keys(d, "wang", Keys.TAB, PASSWORD, Keys.ENTER)
        WebDriverWait(d, 10).until(EC.visibility_of_element_located((By.ID, "orders")))
        row = 'tr[data-id="%s"]' % rx
        WebDriverWait(d, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, row)))
        check(not unlabelled(d), "controls without a label: %s" % unlabelled(d))
        tab_to(d, row)
        keys(d, Keys.ENTER)
        WebDriverWait(d, 10).until(EC.visibility_of_element_located((By.ID, "detail-state")))
        tab_to(d, "#do-accept")
        keys(d, Keys.ENTER)
        state_is(d, "accepted")
        tab_to(d, "#do-approve")
        keys(d, Keys.ENTER)
        state_is(d, "approved")
        tab_to(d, "#pay-total")
        keys(d, "57.00", Keys.TAB, Keys.ENTER)
        WebDriverWait(d, 10).until(lambda x: x.execute_script("return document.activeElement.id") == "pickup-code")
        check(not unlabelled(d), "controls without a label: %s" % unlabelled(d))
        keys(d, code, Keys.TAB, "B20260918", Keys.TAB, "2028-08-31", Keys.ENTER)  # batch and expiry follow by Tab
        state_is(d, "dispensed")
        d.save_screenshot(os.path.join(artefacts, "keyboard-1280.png"))
        keys(d, Keys.ESCAPE)  # Esc closes the panel
        WebDriverWait(d, 10).until(lambda x: not x.find_element(By.ID, "detail").is_displayed())
        # The next order of that drug comes with the batch and expiry just entered (this page's memory).
        second = world.issue("WEB-K-2", {"mode": "pickup", "pharmacy": "S001"})["id"]
        path = "/v1/prescriptions/" + second
        world.ok(world.s.call("POST", path + "/accept", {}, world.chain))
        world.ok(world.s.call("POST", path + "/review", {"decision": "approve",
                                                         "pharmacist": {"name": "王药师", "license": "YS33020001"}}, world.chain))
        world.ok(world.s.call("POST", path + "/payments", {"kind": "self_pay", "settlementId": "K-2", "payOrderId": "K-2",
                                                           "total": 5700, "fund": 0, "account": 0, "cash": 5700,
                                                           "paidAt": "2026-12-02T10:00:00+08:00"}, world.chain))
        open_order(d, "approved", second)
        WebDriverWait(d, 10).until(EC.visibility_of_element_located((By.ID, "batch-0")))
        paid = d.find_element(By.ID, "paid").text
        check("自费 ¥57.00" in paid and "现金 ¥57.00" in paid and "K-2" in paid, "the payment: %r" % paid)
        check(d.find_element(By.ID, "batch-0").get_attribute("value") == "B20260918", "the batch is not prefilled")
        check(d.find_element(By.ID, "expiry-0").get_attribute("value") == "2028-08-31", "the expiry is not prefilled")
        check(not console_errors(d), "console errors: %s" % console_errors(d))
    finally:
        d.quit()
    view = world.s.call("GET", "/v1/prescriptions/" + rx, token=world.chain)[2]
    check(view["status"] == "dispensed", view["status"])
    dispensed = [h for h in view["history"] if h["status"] == "dispensed"]
    check(dispensed and dispensed[0]["actor"]["staff"]["name"] == "王药师", view["history"])


if __name__ == "__main__":
    run_case({"english": case_english, "keyboard": case_keyboard, "stores": case_stores})
