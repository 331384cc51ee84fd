"""Reads an h2load report: throughput and request counts, and whether every request succeeded with a 2xx.
Shared by perf/batching/summarize.py and perf/compare/summarize.py."""
import re, sys


def read(file, name, invalid):
    """{"rps", "done"} from h2load's text report in `file`; a run with failures, errors, non-2xx answers or no
    requests is appended to `invalid` under `name`. Exits when the report cannot be read."""
    text = open(file).read()
    m = re.search(r"finished in ([\d.]+)(m?s), ([\d.]+) req/s", text)
    r = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored", text)
    s = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", text)
    if not (m and r and s):
        sys.exit(f"cannot read h2load's report in {file}:\n{text}")
    done, succeeded, failed, errored = int(r.group(3)), int(r.group(4)), int(r.group(5)), int(r.group(6))
    non2xx = sum(int(s.group(i)) for i in (2, 3, 4))
    if failed or errored or non2xx or succeeded != done or done == 0:
        invalid.append(f"{name}: {failed} failed, {errored} errored, {non2xx} non-2xx of {done} done")
    return {"rps": float(m.group(3)), "done": done}
