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


def main(clients: int = 20, per_client: int = 10) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/web.sqlite"
        env = {**os.environ, "SYNOVIA_DATABASE_URL": url,
               "SYNOVIA_RATE_LIMITS": "ask=100000/60,check=100000/60"}
        subprocess.run([sys.executable, "-m", "synovia", "evidence", "load"], env=env,
                       check=True, capture_output=True)
        port = _port()
        proc = subprocess.Popen([sys.executable, "-m", "synovia", "serve", "--port", str(port)],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                cwd=ROOT)
        try:
            base = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=base, timeout=60,
                              limits=httpx.Limits(max_connections=clients)) as client:
                for _ in range(100):
                    try:
                        client.get("/healthz")
                        break
                    except httpx.TransportError:
                        time.sleep(0.1)
                client.post("/api/ask", json={"question": QUESTIONS[0]})  # warm up
                health = _load(client, "GET", "/healthz", clients, per_client)
                ask = _load(client, "POST", "/api/ask", clients, per_client,
                            lambda w, i: {"question": QUESTIONS[(w + i) % len(QUESTIONS)]})
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    print(f"/api/ask under {clients} concurrent clients: p50 {ask['p50']:.0f} ms, p95 "
          f"{ask['p95']:.0f} ms | /healthz p50 {health['p50']:.1f} ms, p95 {health['p95']:.1f} ms "
          f"(ask/healthz p95 ratio {ask['p95'] / health['p95']:.0f}x)")
    return {"ask": ask, "healthz": health}


if __name__ == "__main__":
    main()
