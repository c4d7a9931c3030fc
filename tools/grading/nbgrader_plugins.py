"""nbgrader preprocessors that keep autograde's points out of the student's kernel.

Named in the ``nbgrader_config.py`` that :mod:`tools.grading.nbgrader_course`
writes (they need nbgrader, the ``grading`` extra):

* :class:`KillingExecute`: nbgrader's Execute, with the kernel inside bubblewrap
  (:class:`JailedKernelManager`), and a cell past its time limit gets
  the kernel killed (SIGKILL) and restarted instead of interrupted (SIGINT, which
  a student's loop may ignore: autograde then failed for that student);
* :class:`IsolatedChecks`: replaces the output of every test cell of a programming
  exercise with the verdict of :func:`tools.grading.judge.judge_answer` on the
  student's function (a fresh process, the course's seed), so that a patched
  ``np.allclose``, a redefined ``check`` or a printed "Correct" earn nothing.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Bool, Float, Integer, Unicode

from tools._output import remove_stale
from tools.grading.bubblewrap import Jail, Limits, clean_environment, clean_stale
from tools.grading.discover import graded_exercises, student_definition
from tools.grading.judge import judge_answer
from tools.grading.nbgrader_course import REPO, grade_id
from tools.notebooks import course_notebooks

__all__ = ["IsolatedChecks", "JailedKernelManager", "KillingExecute"]

#: What autograde's kernel may use (a notebook loads MNIST and trains a small network).
KERNEL_LIMITS = Limits(memory=4 * 2**30, processes=128, cpu_seconds=3600)


SOCKETS_PREFIX = "kernel-ipc-"  # kernel-ipc-<autograde's pid>-*: a kernel's socket folder


@functools.cache
def _clean_stale() -> None:
    """Once per autograde: remove what a killed autograde left (socket folders, cgroups)."""
    remove_stale(SOCKETS_PREFIX)
    clean_stale()


class JailedKernelManager(AsyncKernelManager):
    """A kernel that runs inside bubblewrap (:mod:`tools.grading.bubblewrap`).

    It talks to autograde over unix sockets (``transport="ipc"``: a kernel without
    a network cannot use TCP) in a private folder, the only folder of the host it
    may write; its working folder is a size-limited tmpfs holding a copy of the
    hand-in's folder, so nothing it writes reaches the course folder.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        _clean_stale()
        self._sockets = Path(tempfile.mkdtemp(prefix=f"{SOCKETS_PREFIX}{os.getpid()}-"))
        self.transport = "ipc"
        self.ip = str(self._sockets / "kernel")
        self.connection_file = str(self._sockets / "kernel.json")
        self._jail: Jail | None = None

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        cwd = Path(kw.pop("cwd", None) or os.getcwd()).resolve()
        if self._jail is not None:
            self._jail.close()
        env = {"PYTHONPATH": str(REPO), "JPY_SESSION_NAME": str(cwd)}
        shared = (self._sockets,)
        self._jail = Jail(KERNEL_LIMITS, shared=shared, copy_in=cwd, cwd=str(cwd), env=env)
        kw.update(cwd=str(self._sockets), env=clean_environment())
        await super()._async_launch_kernel(self._jail.wrap(kernel_cmd), **kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self._jail is not None:
            self._jail.close()  # whatever the notebook started ends with its kernel
            self._jail = None
        if not restart:
            shutil.rmtree(self._sockets, ignore_errors=True)


class KillingExecute(Execute):
    """Execute, but a cell past the time limit gets the kernel killed and the rest not run.

    The points do not need the kernel (:class:`IsolatedChecks` judges the
    functions out of it), so the cells after a stuck one are marked "not run".
    """

    raise_on_iopub_timeout = Bool(False).tag(config=True)
    sandbox = Bool(True, help="run the kernel inside bubblewrap (False: as you)").tag(config=True)

    max_output_bytes = Integer(
        16 * 2**20, help="output a notebook's kernel may send; the rest is dropped"
    ).tag(config=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.sandbox:
            self.kernel_manager_class = JailedKernelManager

    def preprocess(self, nb, resources=None, km=None):
        self._output_bytes, self._killed = 0, False
        return super().preprocess(nb, resources, km)

    def output(self, outs, msg, display_id, cell_index):
        """Keep the kernel's output until ``max_output_bytes``, then one line saying so."""
        self._output_bytes = getattr(self, "_output_bytes", 0) + len(str(msg.get("content")))
        if self._output_bytes <= self.max_output_bytes:
            return super().output(outs, msg, display_id, cell_index)
        if not any(o.get("name") == "stderr" and "dropped" in o.get("text", "") for o in outs):
            text = f"output past {self.max_output_bytes >> 20} MB per notebook dropped\n"
            outs.append(NotebookNode(output_type="stream", name="stderr", text=text))
        return None

    async def _async_handle_timeout(self, timeout, cell=None):
        self.log.error("A cell ran past %s s: killing the kernel (SIGKILL)", timeout)
        pid = self.km.provisioner.process.pid
        group = os.getpgid(pid)
        if group != os.getpgid(0):
            os.killpg(group, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
        self._killed = True
        return {"content": {**self.error_on_timeout, "status": "error"}}

    def preprocess_cell(self, cell, resources, index):
        if getattr(self, "_killed", False) and cell.cell_type == "code":
            text = "not run: an earlier cell ran past the time limit and its kernel was killed"
            cell.outputs = [NotebookNode(output_type="stream", name="stdout", text=text + "\n")]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            if not getattr(self, "_killed", False):
                raise
            cell.outputs = [NotebookNode(output_type="error", **self.error_on_timeout)]
            return cell, resources


class IsolatedChecks(NbGraderPreprocessor):
    """Each programming exercise's test cell shows the isolated check's verdict, nothing else."""

    seed = Integer(0, help="draws the hidden cases of every exercise").tag(config=True)
    timeout = Float(60.0, help="seconds per exercise").tag(config=True)
    notebooks = Unicode(str(REPO / "notebooks"), help="the course notebooks").tag(config=True)
    sandbox = Bool(True, help="call the functions inside bubblewrap").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        graded = {
            grade_id("check", g.name): g
            for path in course_notebooks(Path(self.notebooks))
            for g in graded_exercises(path)
        }
        with tempfile.TemporaryDirectory(prefix="nbgrader-check-") as work:
            for cell in nb.cells:
                meta = cell.get("metadata", {}).get("nbgrader", {})
                g = graded.get(meta.get("grade_id"))
                if cell.cell_type != "code" or not meta.get("grade") or g is None:
                    continue
                definition = student_definition(nb, g.function)
                if definition.source is None:
                    status, message = "not yet", definition.problem
                else:
                    status, message = judge_answer(
                        g.name,
                        definition.source,
                        g.function,
                        self.seed,
                        Path(work),
                        self.timeout,
                        self.sandbox,
                    )
                self.log.info("%s: %s", g.name, message)
                if status == "correct":
                    cell.outputs = [
                        NotebookNode(output_type="stream", name="stdout", text=message + "\n")
                    ]
                else:
                    cell.outputs = [
                        NotebookNode(
                            output_type="error",
                            ename="NotCorrect",
                            evalue=message,
                            traceback=[f"NotCorrect: {message}"],
                        )
                    ]
        return nb, resources
