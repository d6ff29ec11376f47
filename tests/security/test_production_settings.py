"""Settings read from the environment in a fresh process: the README's production values, the CSP mode."""
import json
import os
import re
import secrets
import subprocess
import sys

from django.conf import settings

README = settings.BASE_DIR / "README.md"
# Rows whose value the README describes rather than gives; the check needs only the secret key.
DESCRIBED = {"DJANGO_SECRET_KEY", "LAAFFIC_API_KEY", "LAAFFIC_API_SECRET", "DJANGO_MEDIA_ROOT"}
# One value, optionally followed by a remark in brackets: anything else is not a value a reader can copy.
VALUE = re.compile(r"^`([^`]+)`(?: \(.+\))?$")
# Only the site's own files; no inline script or style, framing, plugins, foreign <base> or form targets.
STRICT_POLICY = ["default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                 "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"]


def production_values() -> dict[str, str]:
    """The "Running in production" table of README.md: {variable: value}."""
    section = README.read_text().split("## Running in production", 1)[1].split("\n## ", 1)[0]
    values, described = {}, set()
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        names = re.findall(r"`([A-Z][A-Z0-9_]+)`", cells[0]) if line.startswith("| `") else []
        if not names:
            continue
        if not cells[1].startswith("`"):
            described.update(names)
            continue
        value = VALUE.match(cells[1])
        assert value, f"README: {', '.join(names)} has no definite production value: {cells[1]!r}"
        values.update(dict.fromkeys(names, value.group(1)))
    assert described == DESCRIBED
    return values


def run_manage(*args, environment):
    """manage.py in a fresh process that sees only `environment` (not this test run's settings)."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **environment}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_readme_production_values_pass_the_deployment_check_without_warnings():
    values = production_values()
    assert values["DJANGO_SECURE_HSTS_SECONDS"] == "31536000" and values["DJANGO_DEBUG"] == "false"
    values["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)

    check = run_manage("check", "--deploy", "--fail-level", "WARNING", environment=values)

    assert check.returncode == 0, check.stdout + check.stderr
    assert "System check identified no issues (0 silenced)." in check.stdout


def page_headers(environment, tmp_path):
    """The headers of the login page, served by a process with `environment`."""
    shell = run_manage("shell", "--no-imports", "-c", "import json; from django.test import Client; "
                       "print(json.dumps(dict(Client().get('/admin/login/').headers)))",
                       environment={"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **environment})
    assert shell.returncode == 0, shell.stderr
    return json.loads(shell.stdout)


def test_the_policy_is_enforced_by_default_and_only_reported_in_report_only_mode(tmp_path):
    enforced = page_headers({}, tmp_path)
    reported = page_headers({"DJANGO_CSP_REPORT_ONLY": "true", "DJANGO_CSP_REPORT_URI": "https://csp.example.com/r"},
                            tmp_path)

    assert "Content-Security-Policy-Report-Only" not in enforced
    policy = enforced["Content-Security-Policy"]
    assert all(directive in policy for directive in STRICT_POLICY)
    assert "unsafe" not in policy and "report-uri" not in policy
    assert "Content-Security-Policy" not in reported
    policy = reported["Content-Security-Policy-Report-Only"]
    assert all(directive in policy for directive in STRICT_POLICY)
    assert "report-uri https://csp.example.com/r" in policy
