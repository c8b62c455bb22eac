"""`pipeline review`: the command's errors, its address, the browser, and a clean stop on Ctrl-C."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import urllib.request

from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.review.server import ReviewServer


def run(*args: str):
    return CliRunner().invoke(cli, ["review", *args])


def test_a_folder_that_is_not_a_project_is_refused(tmp_path):
    result = run(str(tmp_path), "--no-browser")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'project.toml'}: not found; is {tmp_path} a project folder? "
        "Create one with `pipeline init`\n"
    )


def test_a_project_without_interview_clips_is_refused(project):
    result = run(str(project.root), "--no-browser")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {project.footage_dir}: no interview clips; "
        f"`pipeline ingest {project.root} FILE --role interview` first\n"
    )


def test_a_port_in_use_is_refused_with_the_fix(review_project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run(str(review_project.root), "--no-browser", "--port", str(port))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: port {port} on 127.0.0.1 is already in use; choose another with --port, "
        "or leave --port out to get a free one\n"
    )


def test_the_page_opens_in_the_browser_unless_told_not_to(review_project, monkeypatch):
    opened = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    monkeypatch.setattr(ReviewServer, "serve_until_stopped", ReviewServer.close)
    result = run(str(review_project.root))
    assert result.exit_code == 0, result.output
    url = result.stdout.splitlines()[0].split()[2]
    assert url.startswith("http://127.0.0.1:") and opened == [url]
    assert result.stdout.splitlines()[-1] == "Review server stopped."
    opened.clear()
    assert run(str(review_project.root), "--no-browser").exit_code == 0 and opened == []


def test_listening_beyond_this_computer_is_warned_about(review_project, monkeypatch):
    monkeypatch.setattr(ReviewServer, "serve_until_stopped", ReviewServer.close)
    result = run(str(review_project.root), "--no-browser", "--host", "0.0.0.0")
    assert result.exit_code == 0
    assert result.stderr.startswith("Warning: listening on 0.0.0.0, not only this computer")


def test_the_server_answers_then_stops_cleanly_on_ctrl_c(review_project):
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "review", str(review_project.root), "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # as from a terminal: a test run started in the background (`cmd &` without job control)
        # inherits SIGINT ignored, and Python then installs no Ctrl-C handler at all
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        first = process.stdout.readline()
        assert first.startswith("Review page: http://127.0.0.1:"), first + process.stderr.read()
        url = first.split()[2]
        with urllib.request.urlopen(url + "api/clips", timeout=10) as answer:
            assert json.load(answer)["clips"][0]["clip_id"] == "int-001"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert out.strip() == "Review server stopped." and err == ""
