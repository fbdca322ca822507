"""scripts/bench.sh workbench: how long a pharmacist's queue of N open orders (default 500) takes
to render in headless Chromium, from the tab's click to the last row drawn. Prints figures,
asserts nothing about time.

  workbench_bench.py RXFLOW_BIN RXSIGN_TOOL_BIN [N]"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
import workbench as wb  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def main():
    rxflow, tool = sys.argv[1:3]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 500
    world = wb.World(rxflow, tool)
    try:
        world.ok(world.s.call("PUT", "/v1/pharmacies/S001/stock", {"items": [{"drugCode": "XC08CAA001", "quantity": 10 * n}]},
                              world.s.admin))
        started = time.time()
        for i in range(n):
            world.issue("BENCH-W-%d" % i, {"mode": "pickup", "pharmacy": "S001"})
        print("seeded %d routed prescriptions in %.1f s" % (n, time.time() - started))
        d = wb.browser(1280, 900)
        try:
            wb.log_in(d, "http://127.0.0.1:%d" % world.s.port, "wang")
            times = []
            for _ in range(5):
                wb.click(d, By.ID, "tab-accepted")
                WebDriverWait(d, 30).until(lambda x: len(x.find_elements(By.CSS_SELECTOR, "#queue tbody tr")) == 0)
                t0 = time.time()
                wb.click(d, By.ID, "tab-routed")
                WebDriverWait(d, 30, poll_frequency=0.01).until(
                    lambda x: x.execute_script("return document.querySelectorAll('#queue tbody tr').length") == n)
                times.append(time.time() - t0)
            times.sort()
            print("workbench: %d open orders rendered in %.0f ms (median of 5; min %.0f, max %.0f), "
                  "including the API's answer" % (n, times[2] * 1000, times[0] * 1000, times[-1] * 1000))
        finally:
            d.quit()
    finally:
        world.s.stop()


if __name__ == "__main__":
    main()
