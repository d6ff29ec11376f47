"""Faults queued with fail_next() (campaigns/simulator/faults.py)."""
import requests

from tests.simulator.api import SEND, UPLOAD, post


def test_a_coded_fault_answers_the_pages_message_and_creates_no_task(simulator, example_body):
    simulator.fail_next(code=-37)
    answer = post(simulator, SEND, example_body)
    assert answer["code"] == "-37" and answer["msg"].startswith("The group call task")
    assert simulator.tasks == {}
    assert post(simulator, SEND, example_body)["code"] == "0"


def test_a_fault_for_one_path_leaves_the_other_alone(simulator, example_body):
    simulator.fail_next(code="-18", path="voice/fileUpload")
    assert post(simulator, SEND, example_body)["code"] == "0"
    assert post(simulator, UPLOAD, {"fileName": "hello.mp3", "file": "SUQz"})["status"] == "-18"


def test_a_fault_repeated_times_is_used_up_in_order(simulator, example_body):
    simulator.fail_next(code="-18", times=2)
    simulator.fail_next(code="-37")
    codes = [post(simulator, SEND, example_body)["code"] for _ in range(4)]
    assert codes == ["-18", "-18", "-37", "0"]


def test_an_http_status_fault_answers_an_html_page(simulator, example_body):
    simulator.fail_next(http_status=502)
    response = requests.post(simulator.base_url + SEND, json=example_body, timeout=5)
    assert response.status_code == 502
    assert response.headers["Content-Type"] == "text/html"
    assert "Bad Gateway" in response.text
    assert simulator.tasks == {}
