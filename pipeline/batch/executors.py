"""Where the episode jobs run: a local process pool (default) or an existing Dask cluster.

Local: a `ProcessPoolExecutor` with `workers` processes (default 1). Each render is one ffmpeg run
whose x264 encoder already keeps every core busy, so on an office PC (2 to 8 cores) episodes in
parallel only compete for the same cores; more workers pay off on machines with many cores (about
one per 8). Even one worker runs in its own process: an episode that crashes the interpreter (a
codec library fault, the out-of-memory killer) takes its worker down, not the batch. The pool is
the standard library's: nothing to start, no port opened, no dashboard; Dask is for a real cluster.

Dask: `Client(address)` to a running `dask scheduler` (tls:// with the office's certificates, see
`batch.cluster`); every job is submitted with `pure=False`
(an episode is re-rendered when its files changed, not memoised by arguments) and collected with
`as_completed`. Dask reschedules the job of a worker that died; `retries` also lets the task run
again when it raised outside the episode's own handling (a worker that cannot import the pipeline).

Both: a job that failed with an unexpected error (not a PipelineError: a full disk, a network
file system hiccup) is run again up to `retries` times; an episode's data problems are not retried.
"""

from __future__ import annotations

import logging
import multiprocessing
import ssl
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from pipeline.batch.jobs import FAILED, EpisodeResult, log_path
from pipeline.errors import BatchError
from pipeline.i18n import _

JobFunction = Callable[..., EpisodeResult]  # run_episode, or a fake in tests
OnResult = Callable[[EpisodeResult], None]
CONNECT_TIMEOUT_S = 10.0
logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EpisodeJob:
    """The arguments of one `run_episode` call: plain values that pickle to any worker."""

    project_dir: str
    platforms: tuple[str, ...]
    draft: bool
    week: str
    package_dir: str
    slug: str

    @property
    def arguments(self) -> tuple:
        return (self.project_dir, self.platforms, self.draft, self.week, self.package_dir, self.slug)

    def lost(self, why: str, error_type: str, *, unexpected: bool = False) -> EpisodeResult:
        """The result of a job whose worker never returned one."""
        log = str(log_path(self.project_dir, self.week))
        return EpisodeResult(
            self.project_dir,
            self.slug,
            self.week,
            FAILED,
            why,
            log=log,
            error_type=error_type,
            unexpected=unexpected,
        )


def run_local(
    jobs: Sequence[EpisodeJob],
    job: JobFunction,
    *,
    workers: int = 1,
    retries: int = 1,
    on_result: OnResult = lambda result: None,
) -> list[EpisodeResult]:
    """Run `jobs` in `workers` local processes; results in the order they finish."""
    results: list[EpisodeResult] = []
    todo = [(j, 1) for j in jobs]

    def settle(result: EpisodeResult) -> None:
        results.append(result)
        on_result(result)

    while todo:
        todo = _run_pool(todo, job, workers, retries, settle)
    return results


def _run_pool(
    todo: list[tuple[EpisodeJob, int]], job: JobFunction, workers: int, retries: int, finish: OnResult
) -> list[tuple[EpisodeJob, int]]:
    """Run `todo` ((job, attempt) pairs) in one pool; returns what is left when the pool broke.

    Only as many jobs as there are workers are handed to the pool at a time, so a worker that
    dies takes down the jobs that were running, never the ones still waiting.
    """
    waiting = list(todo)
    running: dict[Future, tuple[EpisodeJob, int]] = {}
    # spawn: workers start clean (no copy of the parent's threads, locks or logging handlers)
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        try:
            while waiting or running:
                while waiting and len(running) < workers:
                    spec, attempt = waiting.pop(0)
                    running[pool.submit(job, *spec.arguments)] = (spec, attempt)
                done, _pending = wait(running, return_when=FIRST_COMPLETED)
                broken = False
                for future in done:
                    spec, attempt = running.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        broken = True
                        result = spec.lost(
                            _(
                                "the worker process died while rendering (crash or out of memory; "
                                "see the episode's log)"
                            ),
                            "BrokenProcessPool",
                            unexpected=True,
                        )
                    except Exception as exc:  # noqa: BLE001 - the job function raised instead of reporting
                        result = spec.lost(
                            f"{type(exc).__name__}: {exc}", type(exc).__name__, unexpected=True
                        )
                    if result.unexpected and attempt <= retries:
                        waiting.append((spec, attempt + 1))
                    else:
                        finish(result)
                if broken:
                    # the pool is unusable: what still runs or waits goes to a new one
                    return [*running.values(), *waiting]
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return []


def connect(address: str, timeout_s: float = CONNECT_TIMEOUT_S, security=None):
    """A `distributed.Client` of the scheduler at `address`, with at least one worker.

    `security`: a `distributed.Security` for a tls:// scheduler (see `batch.cluster`).
    """
    from distributed import Client

    try:
        client = Client(address, timeout=timeout_s, set_as_default=False, security=security)
    except ssl.SSLError as exc:  # the files themselves: not PEM, key and certificate do not match
        raise BatchError(
            _(
                "the TLS files for {address} cannot be used ({reason}); check --tls-cert and --tls-key (a certificate and its own key, from `pipeline cluster certs`)"
            ).format(address=address, reason=exc.reason or exc)
        ) from None
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        if security is not None:
            logger.debug("TLS connection to %s failed: %s", address, exc)
            raise BatchError(
                _(
                    "cannot connect to the Dask scheduler at {address} over TLS within {timeout_s:g} s: it is not running, or it refused this machine's certificate; check that --tls-ca, --tls-cert and --tls-key are the office's (`pipeline cluster certs`) and that the scheduler was started with the same authority"
                ).format(address=address, timeout_s=timeout_s)
            ) from None
        raise BatchError(
            _(
                "cannot reach the Dask scheduler at {address} ({exc}); start it with `dask scheduler` or check --scheduler (tls://HOST:8786)"
            ).format(address=address, exc=exc)
        ) from None
    try:
        client.wait_for_workers(1, timeout=timeout_s)
    except (OSError, TimeoutError) as exc:
        client.close()
        raise BatchError(
            _(
                "the Dask scheduler at {address} has no workers ({exc}); start one with `dask worker {address} --nworkers 1 --nthreads 1`"
            ).format(address=address, exc=exc)
        ) from None
    return client


def run_on_dask(
    jobs: Sequence[EpisodeJob],
    job: JobFunction,
    *,
    address: str,
    retries: int = 1,
    timeout_s: float = CONNECT_TIMEOUT_S,
    on_result: OnResult = lambda result: None,
    security=None,
) -> list[EpisodeResult]:
    """Run `jobs` on the Dask cluster at `address`; results in the order they finish."""
    from distributed import as_completed

    client = connect(address, timeout_s, security)
    results: list[EpisodeResult] = []
    try:
        attempts: dict[str, tuple[EpisodeJob, int]] = {}

        def submit(spec: EpisodeJob, attempt: int):
            # a unique key: a rerun of the batch must run the job again, not fetch an old result
            future = client.submit(
                job,
                *spec.arguments,
                key=f"episode-{spec.slug}-{uuid.uuid4().hex}",
                pure=False,
                retries=retries,
            )
            attempts[future.key] = (spec, attempt)
            return future

        pending = as_completed([submit(spec, 1) for spec in jobs], loop=client.loop)
        for future in pending:
            spec, attempt = attempts.pop(future.key)
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - the task itself failed (KilledWorker, lost data...)
                problem = f"{type(exc).__name__}: {exc}"
                result = spec.lost(
                    _("the Dask task failed: {problem}").format(problem=problem), type(exc).__name__
                )
            finally:
                future.release()
            if result.unexpected and attempt <= retries:
                pending.add(submit(spec, attempt + 1))
                continue
            results.append(result)
            on_result(result)
    finally:
        client.close()
    return results
