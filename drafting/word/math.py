"""Formulas between LaTeX (our dialect) and OMML (Word's equations).

LaTeX → OMML: pandoc (shipped as a wheel by ``pypandoc-binary``) has the most
complete TeX-math → OMML writer there is (texmath); all formulas of a
document go through one pandoc run, and the ``m:oMath`` elements are taken
from the .docx it writes. latex2mathml + Microsoft's MML2OMML.XSL would need a
stylesheet we may not ship. OMML → LaTeX: a small walk over the OMML elements
Word writes for ordinary formulas (fractions, scripts, radicals, delimiters,
n-ary operators); anything else is returned as ``None`` so the importer can
list it as a finding and keep its text.
"""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from copy import deepcopy

from lxml import etree

M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _m(tag: str) -> str:
    return f"{{{M}}}{tag}"


def latex_to_omml(formulas: list[str]) -> list[etree._Element | None]:
    """One ``m:oMath`` element per formula (``None`` where pandoc failed)."""
    if not formulas:
        return []
    try:
        import pypandoc  # noqa: PLC0415  (heavy, and only when a document has formulas)
    except ImportError:  # pragma: no cover - pinned dependency
        return [None] * len(formulas)
    source = "\n\n".join(f"$${f}$$" if f.strip() else "$$x$$" for f in formulas)
    try:
        data = pypandoc.convert_text(
            source, "docx", format="markdown", outputfile=None, extra_args=[]
        )
    except (RuntimeError, OSError):
        data = None
    if data is None:
        fd, path = tempfile.mkstemp(suffix=".docx")
        os.close(fd)
        try:
            pypandoc.convert_text(source, "docx", format="markdown", outputfile=path)
            with open(path, "rb") as handle:
                data = handle.read()
        except (RuntimeError, OSError):
            return [None] * len(formulas)
        finally:
            os.unlink(path)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    paragraphs = root.findall(f".//{{{W}}}body/{{{W}}}p")
    out: list[etree._Element | None] = []
    for paragraph in paragraphs:
        math = paragraph.find(f".//{_m('oMath')}")
        out.append(deepcopy(math) if math is not None else None)
    out += [None] * (len(formulas) - len(out))
    return out[: len(formulas)]


# --- OMML → LaTeX ---------------------------------------------------------------

_NARY = {"∑": r"\sum", "∏": r"\prod", "∫": r"\int", "∬": r"\iint", "∮": r"\oint"}
_SYMBOLS = {
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon",
    "η": r"\eta", "θ": r"\theta", "λ": r"\lambda", "μ": r"\mu", "π": r"\pi", "ρ": r"\rho",
    "σ": r"\sigma", "τ": r"\tau", "φ": r"\varphi", "ω": r"\omega", "Δ": r"\Delta",
    "Ω": r"\Omega", "Σ": r"\Sigma", "×": r"\times", "·": r"\cdot", "⋅": r"\cdot",
    "≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "±": r"\pm", "∞": r"\infty", "≈": r"\approx",
    "→": r"\rightarrow", "∂": r"\partial",
}  # fmt: skip


class Unsupported(ValueError):
    """An OMML element this converter does not know."""


def omml_to_latex(element: etree._Element) -> str | None:
    """LaTeX for an ``m:oMath`` / ``m:oMathPara``, or ``None`` if it holds something unknown."""
    try:
        if element.tag == _m("oMathPara"):
            return " ".join(_children(math) for math in element.findall(_m("oMath"))).strip()
        return _children(element).strip()
    except Unsupported:
        return None


def _arg(element: etree._Element | None) -> str:
    return "" if element is None else _children(element)


def _group(text: str) -> str:
    return text if len(text) == 1 else "{" + text + "}"


def _children(element: etree._Element) -> str:
    return "".join(_node(child) for child in element)


def _text(run: etree._Element) -> str:
    text = "".join(t.text or "" for t in run.iter(_m("t")))
    out = []
    for ch in text:
        symbol = _SYMBOLS.get(ch)
        out.append(symbol + " " if symbol else ch)
    return "".join(out)


def _node(node: etree._Element) -> str:
    tag = etree.QName(node).localname if isinstance(node.tag, str) else ""
    ns = etree.QName(node).namespace if isinstance(node.tag, str) else ""
    if ns != M:
        return ""  # w:rPr and other run properties
    if tag in ("rPr", "ctrlPr", "fPr", "sSubPr", "sSupPr", "sSubSupPr", "radPr", "dPr", "naryPr",
               "oMathParaPr", "funcPr", "accPr", "barPr", "eqArrPr", "limLowPr", "limUppPr",
               "groupChrPr", "boxPr", "borderBoxPr", "mPr", "sPrePr", "argPr"):  # fmt: skip
        return ""
    if tag == "r":
        return _text(node)
    if tag in ("e", "oMath", "num", "den", "sub", "sup", "deg", "fName", "lim", "box"):
        return _children(node)
    if tag == "f":
        return r"\frac{" + _arg(node.find(_m("num"))) + "}{" + _arg(node.find(_m("den"))) + "}"
    if tag == "sSub":
        return _group(_arg(node.find(_m("e")))) + "_" + _group(_arg(node.find(_m("sub"))))
    if tag == "sSup":
        return _group(_arg(node.find(_m("e")))) + "^" + _group(_arg(node.find(_m("sup"))))
    if tag == "sSubSup":
        return (
            _group(_arg(node.find(_m("e"))))
            + "_"
            + _group(_arg(node.find(_m("sub"))))
            + "^"
            + _group(_arg(node.find(_m("sup"))))
        )
    if tag == "rad":
        degree = _arg(node.find(_m("deg")))
        body = _arg(node.find(_m("e")))
        return (r"\sqrt[" + degree + "]{" if degree else r"\sqrt{") + body + "}"
    if tag == "d":
        pr = node.find(_m("dPr"))
        beg, end = "(", ")"
        if pr is not None:
            if (b := pr.find(_m("begChr"))) is not None:
                beg = b.get(_m("val"), "")
            if (e := pr.find(_m("endChr"))) is not None:
                end = e.get(_m("val"), "")
        inner = ",".join(_children(e) for e in node.findall(_m("e")))
        beg = {"{": r"\{", "": "."}.get(beg, beg)
        end = {"}": r"\}", "": "."}.get(end, end)
        return rf"\left{beg}{inner}\right{end}"
    if tag == "nary":
        pr = node.find(_m("naryPr"))
        char = "∫"
        if pr is not None and (c := pr.find(_m("chr"))) is not None:
            char = c.get(_m("val"), char)
        op = _NARY.get(char)
        if op is None:
            raise Unsupported(char)
        sub, sup = _arg(node.find(_m("sub"))), _arg(node.find(_m("sup")))
        out = op + (f"_{_group(sub)}" if sub else "") + (f"^{_group(sup)}" if sup else "")
        return out + " " + _arg(node.find(_m("e")))
    if tag == "func":
        name = _arg(node.find(_m("fName"))).strip()
        known = {"sin", "cos", "tan", "log", "ln", "exp", "lg", "max", "min", "lim"}
        name = "\\" + name if name in known else name
        return name + " " + _arg(node.find(_m("e")))
    raise Unsupported(tag)
