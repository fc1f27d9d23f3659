"""JupyterLab configuration for this project (``make lab`` and tests/test_lab.py pass it with ``--config``).

- The file browser lists each notebook once: the jupytext ``.py`` source (``*.ipynb`` pairs are hidden).
- A notebook opens unmodified. JupyterLab copies the running kernel's ``language_info`` into the notebook's metadata
  when the kernel connects, and marks the tab modified when that changes anything. Our notebooks keep only
  ``kernelspec`` in their committed metadata (the Python version would differ between machines), so the contents
  manager below fills ``language_info`` in, when a notebook is read, with what the project kernel will report: the
  ``frontier-atlas`` kernel runs the same interpreter as this server, so ipykernel's own ``language_info`` is exact.
  Nothing is written to disk; a notebook declaring another kernel is left as it is.
"""

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from jupytext.async_contentsmanager import build_async_jupytext_contents_manager_class

PROJECT_KERNEL = "frontier-atlas"


class ProjectContentsManager(build_async_jupytext_contents_manager_class(AsyncLargeFileManager)):
    """jupytext's contents manager (``.py`` notebooks open as notebooks), plus the project kernel's language_info."""

    async def get(self, path, content=True, type=None, format=None, **kwargs):  # noqa: A002 (the server's names)
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        if content and model.get("type") == "notebook" and isinstance(model.get("content"), dict):
            meta = model["content"].setdefault("metadata", {})
            if (meta.get("kernelspec") or {}).get("name") == PROJECT_KERNEL and "language_info" not in meta:
                from ipykernel.ipkernel import IPythonKernel  # imported on first use: the server starts faster

                meta["language_info"] = dict(IPythonKernel.language_info)
        return model


c = get_config()  # noqa: F821 (provided by the traitlets config loader)
c.ServerApp.open_browser = True
c.ServerApp.contents_manager_class = ProjectContentsManager
c.ContentsManager.hide_globs = ["__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*~", ".ipynb_checkpoints", "*.ipynb"]
