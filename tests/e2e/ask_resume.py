"""A client of POST /api/v1/ask that leaves after a number of events, then resumes.

Usage: python3 ask_resume.py BASE QUESTION CUT OUT.json WHOLE.sse

Asks QUESTION (collection docs), reads events until it has CUT of them, closes the connection,
then asks GET /api/v1/ask/{answer}/events with Last-Event-ID: the last id it read, and reads the
rest. Writes {"answer": id, "before": [events], "after": [events], "status": resume status}, an
event being {"id", "event", "data"} (data parsed as JSON). Then checks the events before the cut
and after it against WHOLE.sse, an uncut answer of the same model: the same ids, event names,
tokens and answer (exit 1 with what differs). Standard library only.
"""
import http.client
import json
import sys
import urllib.parse


def events(response, limit=None):
    out, current = [], {}
    while limit is None or len(out) < limit:
        line = response.readline()
        if not line:
            break
        line = line.decode("utf-8").rstrip("\n")
        if line == "":
            if current:
                out.append(current)
                current = {}
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(": ")
        if field == "data":
            current[field] = json.loads(value)
        else:
            current[field] = int(value) if field == "id" else value
    return out


def shape(events):
    """What must match: ids, names, the tokens, done's answer text (not its timings or log id)."""
    return [(e["id"], e["event"], e["data"].get("content") if e["event"] == "token" else
             e["data"].get("answer") if e["event"] == "done" else None) for e in events]


def check(whole_path, cut):
    with open(whole_path, "rb") as f:
        whole = events(f)
    names = [e["event"] for e in whole]
    assert names[0] == "sources" and names[-1] == "done" and names.count("token") >= 6, names
    assert [e["id"] for e in whole] == list(range(1, len(whole) + 1)), "ids 1, 2, 3, ..."
    assert cut["status"] == 200, cut["status"]
    assert [e["id"] for e in cut["before"]] == list(range(1, len(cut["before"]) + 1)), cut["before"]
    resumed = cut["before"] + cut["after"]
    assert shape(resumed) == shape(whole), (shape(resumed), shape(whole))
    print(f"resumed: {len(cut['after'])} events after id {cut['before'][-1]['id']}, the same as the uncut stream's")


def main():
    base, question, cut, out, whole = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
    url = urllib.parse.urlparse(base)
    c = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    c.request("POST", "/api/v1/ask", json.dumps({"question": question, "collection": "docs"}),
              {"Content-Type": "application/json"})
    r = c.getresponse()
    answer = r.getheader("X-Strata-Answer")
    before = events(r, cut)
    c.close()  # the connection is lost mid-answer
    c = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    c.request("GET", f"/api/v1/ask/{answer}/events", headers={"Last-Event-ID": str(before[-1]["id"])})
    r = c.getresponse()
    after = events(r) if r.status == 200 else []
    result = {"answer": answer, "before": before, "after": after, "status": r.status}
    with open(out, "w") as f:
        json.dump(result, f)
    check(whole, result)


main()
