"""/api/ask latency (p50, p95) under 20 concurrent clients, against /healthz measured in the
same run on the same server (uvicorn in a subprocess on loopback)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from bench.common import ROOT, percentiles

QUESTIONS = ["Does PRP help knee arthritis?", "Is Arthrosamid approved?",
             "Steroid injection for hip arthritis?", "Are exosomes safe?",
             "Hyaluronic acid for knee OA?"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _load(client: httpx.Client, method: str, path: str, clients: int, per_client: int,
          body_for=None) -> dict:
    def worker(w: int) -> list[float]:
        times = []
        for i in range(per_client):
            t = time.perf_counter()
            r = client.get(path) if method == "GET" else client.post(path, json=body_for(w, i))
            r.raise_for_status()
            times.append((time.perf_counter() - t) * 1000)
        return times

    with ThreadPoolExecutor(clients) as pool:
        samples = [t for ts in pool.map(worker, range(clients)) for t in ts]
    return percentiles(samples)


def _serve(env: dict, workers: int):
    port = _port()
    proc = subprocess.Popen([sys.executable, "-m", "synovia", "serve", "--port", str(port),
                             "--workers", str(workers)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=ROOT)
    return proc, f"http://127.0.0.1:{port}"


def _ready(client: httpx.Client) -> None:
    for _ in range(300):
        try:
            client.get("/healthz")
            return
        except httpx.TransportError:
            time.sleep(0.1)


def _latency(env: dict, workers: int, clients: int, per_client: int) -> dict:
    proc, base = _serve(env, workers)
    try:
        with httpx.Client(base_url=base, timeout=60,
                          limits=httpx.Limits(max_connections=clients)) as client:
            _ready(client)
            for q in QUESTIONS:  # warm every worker's caches a little
                client.post("/api/ask", json={"question": q})
            health = _load(client, "GET", "/healthz", clients, per_client)
            ask = _load(client, "POST", "/api/ask", clients, per_client,
                        lambda w, i: {"question": QUESTIONS[(w + i) % len(QUESTIONS)]})
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    print(f"{workers} worker(s): /api/ask under {clients} concurrent clients: p50 "
          f"{ask['p50']:.0f} ms, p95 {ask['p95']:.0f} ms | /healthz p50 {health['p50']:.1f} ms, "
          f"p95 {health['p95']:.1f} ms (ask/healthz p95 ratio {ask['p95'] / health['p95']:.1f}x)")
    return {"ask": ask, "healthz": health}


def _limits_across_workers(env: dict, redis_url: str | None, limit: int = 40) -> int:
    """How many of 3 x `limit` asks two workers let through under an ask limit of `limit`."""
    env = {**env, "SYNOVIA_RATE_LIMITS": f"ask={limit}/600"}
    if redis_url:
        env["SYNOVIA_REDIS_URL"] = redis_url
        import redis

        for key in redis.Redis.from_url(redis_url).scan_iter("synovia*"):
            redis.Redis.from_url(redis_url).delete(key)
    else:
        env.pop("SYNOVIA_REDIS_URL", None)
    proc, base = _serve(env, 2)
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            _ready(client)
            codes = [client.post("/api/ask", json={"question": QUESTIONS[i % 5]},
                                 headers={"Connection": "close"}).status_code
                     for i in range(3 * limit)]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return sum(c == 200 for c in codes)


def main(clients: int = 20, per_client: int = 10) -> dict:
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/web.sqlite"
        env = {**os.environ, "SYNOVIA_DATABASE_URL": url,
               "SYNOVIA_RATE_LIMITS": "ask=100000/60,check=100000/60"}
        env.pop("SYNOVIA_REDIS_URL", None)
        subprocess.run([sys.executable, "-m", "synovia", "evidence", "load"], env=env,
                       check=True, capture_output=True)
        for workers in (1, 2):
            out[f"{workers}_workers"] = _latency(env, workers, clients, per_client)
        redis_url = os.environ.get("SYNOVIA_REDIS_URL") or "redis://127.0.0.1:6379/14"
        try:
            import redis

            redis.Redis.from_url(redis_url).ping()
        except Exception:  # noqa: BLE001 - no Redis here: that part is skipped, and said so
            redis_url = None
        limit = 40
        alone = _limits_across_workers(env, None, limit)
        print(f"rate limit ask={limit}: 2 workers without Redis let {alone} of {3 * limit} "
              "through (each worker counts alone)")
        out["limit_without_redis"] = alone
        if redis_url:
            shared = _limits_across_workers(env, redis_url, limit)
            print(f"rate limit ask={limit}: 2 workers sharing Redis let {shared} of "
                  f"{3 * limit} through (ratio to the limit {shared / limit:.2f})")
            out["limit_with_redis"] = shared
        else:
            print("rate limit across workers with Redis: not measured (no Redis reachable)")
    return out


if __name__ == "__main__":
    main()
