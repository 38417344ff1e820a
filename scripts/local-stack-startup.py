#!/usr/bin/env python3
"""Time from starting the AppHost to the first authorized 200 from /lambda1.

Build first (dotnet build SecureLambda.AppHost); the AppHost is started with `dotnet run --no-build`, so build time
is not counted. Each run: start the AppHost in its own process group, note when its log prints the dashboard's login URL
(the AppHost's own start: its host, DCP and the dashboard up; the resources start after it), poll LocalCloud's /health until "Healthy" and
/_localcloud/outputs until it answers, sign user1 in through Cognito InitiateAuth, POST {"name":"Ada"} to /lambda1
until 200; print the elapsed time of each phase, and the AppHost's own start-up line (when each process started, after
the AppHost's process); stop the AppHost and wait until its processes have exited.

    python3 scripts/local-stack-startup.py [--runs 3]
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

ENGINE = "http://localhost:4566"
GATEWAY = "http://localhost:4567"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def http(method, url, body=None, headers=None, timeout=5):
    request = urllib.request.Request(url, data=body.encode() if body else None, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except (urllib.error.URLError, ConnectionError, TimeoutError, socket.timeout):
        return None, None


def poll(what, attempt, deadline, interval=0.05):
    while time.monotonic() < deadline:
        value = attempt()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out waiting for {what}")


def user1_password():
    listing = subprocess.run(["dotnet", "user-secrets", "list", "--project", "SecureLambda.AppHost"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for line in listing.splitlines():
        key, _, value = line.partition(" = ")
        if key.strip() == "Parameters:user1-password":
            return value.strip()
    sys.exit("No Parameters:user1-password in the AppHost's user secrets: run the AppHost once first.")


def port_open(port):
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def one_run(password, log_path):
    for port in (4566, 4567):
        if port_open(port):
            sys.exit(f"port {port} is in use: stop the running stack first")
    if stack_processes():
        sys.exit(f"processes of a stack still run ({stack_processes()}): stop them first")
    marks = {}
    start = time.monotonic()
    deadline = start + 120
    with open(log_path, "w") as log:
        apphost = subprocess.Popen(["dotnet", "run", "--project", "SecureLambda.AppHost", "--no-build"],
                                   cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    def note_apphost_started():
        if "apphost started" not in marks:
            with open(log_path) as written:
                if "Login to the dashboard at" in written.read():
                    marks["apphost started"] = time.monotonic() - start

    def healthy():
        note_apphost_started()
        return http("GET", f"{GATEWAY}/health") == (200, "Healthy")

    try:
        poll("LocalCloud /health", healthy, deadline)
        marks["healthy"] = time.monotonic() - start
        outputs = poll("outputs", lambda: (lambda r: r[0] == 200 and json.loads(r[1]))(http("GET", f"{GATEWAY}/_localcloud/outputs")), deadline)
        marks["outputs"] = time.monotonic() - start
        auth = json.dumps({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": outputs["Outputs"]["UserPool1ClientId"],
                           "AuthParameters": {"USERNAME": "user1@example.com", "PASSWORD": password}})
        status, body = http("POST", f"{ENGINE}/", auth, {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"})
        if status != 200:
            raise RuntimeError(f"InitiateAuth: {status} {body}")
        token = json.loads(body)["AuthenticationResult"]["IdToken"]
        # Both methods require a client app's API key; LocalCloud's dev key for client app 1.
        api_key = outputs["DevApiKeys"][0]["Value"]
        marks["signed in"] = time.monotonic() - start
        attempts = 0

        def greet():
            nonlocal attempts
            note_apphost_started()
            attempts += 1
            return http("POST", f"{GATEWAY}/development/lambda1", '{"name":"Ada"}',
                        {"Authorization": token, "x-api-key": api_key, "Content-Type": "application/json"}, timeout=30)[0] == 200
        poll("200 from /lambda1", greet, deadline)
        marks["first 200"] = time.monotonic() - start
        marks["POSTs"] = attempts
        poll("the AppHost's login line", lambda: note_apphost_started() or "apphost started" in marks, deadline)
        return marks
    finally:
        os.killpg(apphost.pid, signal.SIGTERM)
        try:
            apphost.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(apphost.pid, signal.SIGKILL)
            apphost.wait()
        # The AppHost's orchestrator stops moto, LocalCloud and the functions after the AppHost exits, and takes seconds
        # to: a run that started while they still ran would share the two cores with their shutdown.
        poll("the stack to stop", lambda: not port_open(4566) and not port_open(4567) and not stack_processes(),
             time.monotonic() + 60, 0.2)


def stack_processes():
    """PIDs of the processes a run starts: the stack's own (run from this repository), DCP and the dashboard."""
    own, pid = set(), os.getpid()
    while pid > 1:  # this script and the shells that started it
        own.add(pid)
        with open(f"/proc/{pid}/stat") as f:
            pid = int(f.read().rsplit(")", 1)[1].split()[1])
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(pid) not in own and (f"{ROOT}/SecureLambda." in command or "aspire.hosting.orchestration" in command
                                        or "aspire.dashboard" in command.lower() or "moto_server" in command):
            found.append(int(pid))
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    password = user1_password()
    for run in range(1, args.runs + 1):
        marks = one_run(password, f"/tmp/securelambda-apphost-run{run}.log")
        print(f"run {run}: " + ", ".join(f"{k} {v:.2f} s" if isinstance(v, float) else f"{k} {v}" for k, v in marks.items()),
              flush=True)
        # The AppHost's own start-up line: when the orchestrator started each process, after the AppHost's process.
        with open(f"/tmp/securelambda-apphost-run{run}.log") as log:
            timeline = next((line.strip() for line in log if "every process runs" in line), None)
        if timeline:
            print(f"       {timeline}", flush=True)


if __name__ == "__main__":
    main()
