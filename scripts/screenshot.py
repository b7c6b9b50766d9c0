"""Take screenshots of pages of a running server, logged in as a user.

    .venv/bin/python scripts/screenshot.py --base http://127.0.0.1:8765 --user pinglu_reviewer \
        /areas/county/140829/=docs/screenshots/county_pinglu.png
"""

import argparse

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", default="Yuncheng@2023")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("shots", nargs="+", help="PATH=FILE.png")
    options = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(locale="zh-CN", viewport={"width": options.width, "height": 900})
        page.goto(f"{options.base}/accounts/login/")
        page.fill("#id_username", options.user)
        page.fill("#id_password", options.password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        for shot in options.shots:
            path, file = shot.split("=", 1)
            page.goto(f"{options.base}{path}")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(800)  # let charts finish their animation
            page.screenshot(path=file, full_page=True)
            print(f"{path} -> {file}")
        browser.close()


if __name__ == "__main__":
    main()
