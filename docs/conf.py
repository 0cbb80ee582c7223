"""Sphinx configuration for the trio_openai documentation (built by ``bash docs/build.sh``).

The build never touches the network: no intersphinx inventories are fetched; other projects' docs
are linked by URL. The API reference pages under ``reference/api/`` are generated at build time from
the resource classes (``_ext/apigen.py``), so they always match the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE / "_ext"))

import trio_openai  # noqa: E402

project = "trio_openai"
author = "the trio_openai authors"
copyright = "the trio_openai authors"
release = version = trio_openai.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "apigen",
    "optional_pages",
    "xrefs",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "README.md", "**/.ipynb_checkpoints"]
templates_path: list[str] = []
html_static_path = ["_static"]
html_css_files = ["extra.css"]

# -- MyST ---------------------------------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "deflist", "fieldlist", "attrs_inline"]
myst_heading_anchors = 3  # `[text](page.md#a-heading)` links resolve, and a wrong anchor is a warning

# -- autodoc ------------------------------------------------------------------------------------------
autodoc_default_options = {"members": True, "undoc-members": True, "show-inheritance": True, "member-order": "bysource"}
# Types go into the parameter list beside the spec's descriptions; signatures show names and defaults,
# one parameter per line once they are long (the generated methods take dozens).
autodoc_typehints = "description"
autodoc_typehints_description_target = "all"
python_maximum_signature_line_length = 88
autodoc_typehints_format = "short"
autodoc_preserve_defaults = True
autodoc_class_signature = "separated"
autodoc_inherit_docstrings = True
python_use_unqualified_type_names = True
add_module_names = False

# Warnings are errors (``-W``) and the build is nitpicky: every type in a signature must resolve.
# ``_ext/xrefs.py`` maps private paths to the public names, links the standard library and trio by
# URL (no inventory is downloaded) and shows generated request/response types as code.
nitpicky = True
# Generated sub-resources share class names (``AsyncRoles`` under several admin paths): a bare name in
# a generated annotation may match several; the first is as good as any.
suppress_warnings = ["ref.python"]

# -- HTML ---------------------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"trio_openai {release}"
html_theme_options = {
    "source_repository": "",
    "navigation_with_keys": True,
    "top_of_page_buttons": [],
}
pygments_style = "friendly"
pygments_dark_style = "monokai"
html_show_sourcelink = False
