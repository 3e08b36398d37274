"""The load and the checks of .ci/scale-out (see there).

  scale-out.py expect OUT URL...       the canonical answers of each instance URL (…/graphql),
                                       which must agree byte for byte; written to OUT (JSON)
  scale-out.py load DIR PROXY SECONDS NAME=INSTANCE_URL...
                                       the canonical queries through PROXY for SECONDS from
                                       many client addresses (127.0.0.2…), and each instance's
                                       data version polled from /metrics; DIR/started is written
                                       when the load runs, DIR/load.json at the end
  scale-out.py check DIR               every proxied answer against DIR/expected-<version>.json,
                                       the switch times against DIR/commit; prints the figures
"""

import http.client
import json
import os
import random
import re
import sys
import threading
import time
import urllib.parse

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples")


def queries(node_id):
    """(name, GET path) of every canonical query, with its variables."""
    out = []
    for file in sorted(os.listdir(EXAMPLES)):
        if not file.endswith(".graphql"):
            continue
        name = file[: -len(".graphql")]
        params = {"query": open(os.path.join(EXAMPLES, file), encoding="utf-8").read()}
        variables = os.path.join(EXAMPLES, name + ".variables.json")
        if os.path.exists(variables):
            params["variables"] = json.dumps(json.load(open(variables, encoding="utf-8")))
        if name == "Node":
            params["variables"] = json.dumps({"id": node_id})
        out.append((name, "/graphql?" + urllib.parse.urlencode(params)))
    return out


def split(url):
    parsed = urllib.parse.urlsplit(url)
    return parsed.hostname, parsed.port


def get(host, port, path, source=None, timeout=20):
    conn = http.client.HTTPConnection(
        host, port, timeout=timeout, source_address=(source, 0) if source else None
    )
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def version_of(etag):
    match = re.match(r'^"v(\d+)-', etag or "")
    return int(match.group(1)) if match else None


def node_id(host, port):
    # The first department of Catalogue, as a front end would take it.
    catalogue = dict(queries("x"))["Catalogue"]
    status, _, body = get(host, port, catalogue)
    assert status == 200, (status, body)
    return json.loads(body)["data"]["departments"]["edges"][0]["node"]["id"]


def expect(out, urls):
    answers = None
    version = None
    for url in urls:
        host, port = split(url)
        mine = {}
        for name, path in queries(node_id(host, port)):
            status, headers, body = get(host, port, path)
            assert status == 200, (url, name, status, body)
            assert b'"errors"' not in body, (url, name, body)
            v = version_of(headers.get("etag") or headers.get("ETag"))
            assert version is None or v == version, (url, name, v, version)
            version = v
            mine[name] = body.decode()
        if answers is None:
            answers = mine
        for name in answers:
            assert mine[name] == answers[name], (
                f"{url} answers {name} differently from {urls[0]}:\n{mine[name]}\n{answers[name]}"
            )
    json.dump({"version": version, "answers": answers}, open(out, "w"))
    print(f"expected answers of data version {version}: {len(answers)} queries, "
          f"identical on {len(urls)} instances")


def load(directory, proxy, seconds, instances):
    host, port = split(proxy)
    paths = queries(node_id(host, port))
    stop = time.time() + seconds
    lock = threading.Lock()
    results = []  # (time, name, status, version, served_by, body or error)
    instances = dict(i.split("=", 1) for i in instances)  # name -> URL
    versions = {name: [] for name in instances}  # name -> [(time, version)] on change

    def client(n):
        rng = random.Random(n)
        conn = None
        sent = 0
        mine = []
        while time.time() < stop:
            if conn is None or sent % 40 == 0:
                if conn is not None:
                    conn.close()
                # Many client addresses, so `balance source` spreads them over the instances.
                source = f"127.0.0.{rng.randrange(2, 250)}"
                conn = http.client.HTTPConnection(host, port, timeout=20,
                                                  source_address=(source, 0))
            name, path = paths[sent % len(paths)]
            sent += 1
            at = time.time()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                body = response.read()
                mine.append((at, name, response.status,
                             version_of(response.getheader("etag")),
                             response.getheader("x-served-by"), body.decode()))
            except Exception as error:  # a failed request: counted, never retried here
                mine.append((at, name, None, None, None, f"{type(error).__name__}: {error}"))
                conn.close()
                conn = None
        with lock:
            results.extend(mine)

    def monitor(name):
        host, port = split(instances[name])
        last = None
        while time.time() < stop + 12:
            try:
                _, _, body = get(host, port, "/metrics", timeout=2)
                match = re.search(rb"^budget_data_version (\d+)", body, re.M)
                version = int(match.group(1)) if match else None
            except Exception:
                version = None  # down (killed, restarting)
            if version is not None and version != last:
                versions[name].append((time.time(), version))
                last = version
            time.sleep(0.05)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(12)]
    threads += [threading.Thread(target=monitor, args=(name,)) for name in instances]
    for t in threads:
        t.start()
    open(os.path.join(directory, "started"), "w").write(str(time.time()))
    for t in threads:
        t.join()
    json.dump({"results": results, "versions": versions},
              open(os.path.join(directory, "load.json"), "w"))


def check(directory):
    data = json.load(open(os.path.join(directory, "load.json")))
    expected = {}
    for file in os.listdir(directory):
        if file.startswith("expected-"):
            e = json.load(open(os.path.join(directory, file)))
            expected[e["version"]] = e["answers"]
    commit = float(open(os.path.join(directory, "commit")).read())
    load_started = float(open(os.path.join(directory, "load-started")).read())
    new = max(expected)
    failures = []
    per_version = {}
    served = {}
    for at, name, status, version, served_by, body in data["results"]:
        served[served_by] = served.get(served_by, 0) + 1
        per_version[version] = per_version.get(version, 0) + 1
        if status != 200:
            failures.append(f"{name}: status {status}: {body[:200]}")
        elif version not in expected:
            failures.append(f"{name}: ETag version {version} is not one of {sorted(expected)}")
        elif body != expected[version][name]:
            failures.append(f"{name}: the body differs from data version {version}'s answer: {body[:300]}")
    old_after = [r for r in data["results"] if r[3] is not None and r[3] < new and r[0] > commit + 10]
    results = data["results"]
    print(f"requests: {len(results)} through the proxy in "
          f"{max(r[0] for r in results) - min(r[0] for r in results):.1f} s; "
          f"failed: {len(failures)}")
    print("answers by data version: " + ", ".join(f"v{v}: {n}" for v, n in sorted(per_version.items(), key=str)))
    print("answers by instance: " + ", ".join(f"{k}: {n}" for k, n in sorted(served.items(), key=str)))
    print(f"load of the synthetic dataset: committed {commit - load_started:.2f} s after the loader started")
    late = []
    for url, changes in data["versions"].items():
        switched = next((at for at, v in changes if v >= new and at >= load_started), None)
        if switched is None:
            late.append(f"{url} never showed version {new}")
            print(f"  instance {url}: never on version {new}; changes {changes}")
            continue
        delay = switched - commit
        print(f"  instance {url}: serves version {new} {delay:.2f} s after the commit")
        if delay > 10:
            late.append(f"{url} switched {delay:.2f} s after the commit")
    for f in failures[:20]:
        print("FAIL", f)
    problems = failures + late
    if old_after:
        problems.append(f"{len(old_after)} answers of an old version more than 10 s after the commit")
        print("FAIL", problems[-1])
    if len([k for k in served if k]) < 3:
        problems.append(f"not every instance answered: {served}")
        print("FAIL", problems[-1])
    if problems:
        sys.exit(1)
    print("every answer equals its data version's answer; every instance switched within 10 s")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "expect":
        expect(args[0], args[1:])
    elif command == "load":
        load(args[0], args[1], float(args[2]), args[3:])
    elif command == "check":
        check(args[0])
    else:
        sys.exit(__doc__)
