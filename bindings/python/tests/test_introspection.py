"""Introspection (issue 15): ``help()``, ``inspect.signature`` and ``typing.get_type_hints``
show every public callable's real parameters, types and doc.

The suite walks every public callable of ``x_api_auth`` (module functions, the classes'
constructors, public methods, properties and ``*_async`` twins) and of ``x_api_auth.testing``.
Where a stub names the parameters (``_native.pyi`` for the native classes and functions,
``__init__.pyi`` for the twins), the runtime signature has the stub's parameter names, and
``get_type_hints`` gives the stub's types, evaluated here on their own (the package's public
classes, the stub's aliases, typing and collections.abc) rather than with the package's code.
"""

from __future__ import annotations

import ast
import collections.abc
import inspect
import os
import pathlib
import pydoc
import shutil
import subprocess
import typing
from collections.abc import Iterator
from typing import Any, Callable, NamedTuple

import pytest
import x_api_auth
from x_api_auth import _native, testing

PACKAGE = pathlib.Path(x_api_auth.__file__).resolve().parent
STUB_ONLY = {"Sandbox", "cli_main"}  # native names x_api_auth does not export as such


def _stub(name: str) -> tuple[ast.Module, dict[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """A stub's tree, and its functions and methods by qualified name ("XAuth.refresh")."""
    tree = ast.parse((PACKAGE / name).read_text(encoding="utf-8"))
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions[node.name] = node
        elif isinstance(node, ast.ClassDef):
            for member in node.body:
                if isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    functions[f"{node.name}.{member.name}"] = member
    return tree, functions


NATIVE_TREE, NATIVE_STUB = _stub("_native.pyi")
_, FACADE_STUB = _stub("__init__.pyi")  # the *_async twins


def _resolved(annotations: dict[str, str], namespace: dict[str, Any]) -> dict[str, Any]:
    def holder() -> None: ...

    holder.__annotations__ = annotations
    return typing.get_type_hints(holder, globalns=namespace)


def _namespace() -> dict[str, Any]:
    """Where the stubs' names resolve: their imports, the package's public classes (what
    the package hands out), the aliases of ``_native.pyi``."""
    namespace: dict[str, Any] = {"os": os}
    namespace.update({n: getattr(typing, n) for n in ("Any", "Union")})
    namespace.update(
        {n: getattr(collections.abc, n) for n in ("Callable", "Iterable", "Mapping", "Sequence")}
    )
    namespace.update({n: getattr(x_api_auth, n) for n in x_api_auth.__all__})
    for node in NATIVE_TREE.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if not name.startswith("__"):
                namespace[name] = _resolved({"alias": ast.unparse(node.value)}, namespace)["alias"]
    return namespace


NAMESPACE = _namespace()


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.arg]:
    a = function.args
    return [
        *a.posonlyargs,
        *a.args,
        *([a.vararg] if a.vararg else []),
        *a.kwonlyargs,
        *([a.kwarg] if a.kwarg else []),
    ]


def _stub_hints(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, Any]:
    annotations = {a.arg: ast.unparse(a.annotation) for a in _parameters(function) if a.annotation}
    if function.returns is not None:
        annotations["return"] = ast.unparse(function.returns)
    return _resolved(annotations, NAMESPACE)


class Public(NamedTuple):
    name: str  # "XAuth.refresh", "XAuth.user_agent (property)", "testing.approve_consent"
    function: Callable[..., Any]  # what inspect and get_type_hints look at (a property's getter)
    doc: str | None
    stub: ast.FunctionDef | ast.AsyncFunctionDef | None
    native: Any  # the native callable it wraps, if any


def _members(prefix: str, cls: type, stub: dict[str, Any], native: type | None) -> Iterator[Public]:
    key = cls.__name__
    if "__new__" in vars(cls) and f"{key}.__new__" in stub:
        yield Public(f"{prefix}.__new__", cls.__new__, cls.__doc__, stub[f"{key}.__new__"], native)
    for name, attribute in sorted(vars(cls).items()):
        if name.startswith("_"):
            continue
        twin = name.endswith("_async")
        entry = (FACADE_STUB if twin else stub).get(f"{key}.{name}")
        native_member = getattr(native, name, None) if native is not None and not twin else None
        if isinstance(attribute, property):
            assert attribute.fget is not None
            yield Public(f"{prefix}.{name} (property)", attribute.fget, attribute.__doc__, entry, None)
        elif isinstance(attribute, (staticmethod, classmethod)):
            function = attribute.__func__
            yield Public(f"{prefix}.{name}", function, function.__doc__, entry, native_member)
        elif callable(attribute):
            yield Public(f"{prefix}.{name}", attribute, attribute.__doc__, entry, native_member)


def _public() -> list[Public]:
    found: list[Public] = []
    for name in x_api_auth.__all__:
        value = getattr(x_api_auth, name)
        if isinstance(value, type):
            native = getattr(_native, name, None)
            found.extend(_members(name, value, NATIVE_STUB, native))
        else:
            found.append(Public(name, value, value.__doc__, NATIVE_STUB.get(name), getattr(_native, name)))
    for name in testing.__all__:
        value = getattr(testing, name)
        if isinstance(value, type):
            found.append(Public(f"testing.{name}", value, value.__doc__, None, None))
            found.extend(_members(f"testing.{name}", value, {}, None))
        elif callable(value):
            found.append(Public(f"testing.{name}", value, value.__doc__, None, None))
    return found


PUBLIC = _public()
IDS = [p.name for p in PUBLIC]


def test_the_walk_covers_every_stubbed_callable() -> None:
    walked = {p.stub for p in PUBLIC if p.stub is not None}
    for key, node in {**NATIVE_STUB, **FACADE_STUB}.items():
        cls, _, member = key.rpartition(".")
        if (cls or key) in STUB_ONLY or (member.startswith("_") and member != "__new__"):
            continue
        assert node in walked, f"{key} is in a stub but the walk did not reach it"
    assert any(p.name == "XAuth.obtain_bearer_async" for p in PUBLIC)
    assert any(p.name == "testing.Sandbox.approve" for p in PUBLIC)


@pytest.mark.parametrize("public", PUBLIC, ids=IDS)
def test_has_a_docstring(public: Public) -> None:
    assert public.doc and public.doc.strip(), f"{public.name} has no docstring"


@pytest.mark.parametrize("public", PUBLIC, ids=IDS)
def test_signature_names_the_parameters(public: Public) -> None:
    parameters = inspect.signature(public.function).parameters
    names = list(parameters)
    variadic = [p for p in parameters.values() if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if public.stub is not None:
        assert names == [a.arg for a in _parameters(public.stub)], public.name
    if public.native is not None:
        try:
            native = list(inspect.signature(public.native).parameters)
        except ValueError:  # a native callable without a text signature
            native = None
        if native is not None:  # a class's signature: its constructor's without `cls`
            expected = native if not isinstance(public.native, type) else ["cls", *native]
            assert names == expected, f"{public.name}: the native callable takes {native}"
    stubbed_variadic = public.stub is not None and (public.stub.args.vararg or public.stub.args.kwarg)
    if not stubbed_variadic:
        assert not variadic, f"{public.name} shows {inspect.signature(public.function)}"


@pytest.mark.parametrize("public", PUBLIC, ids=IDS)
def test_type_hints_are_the_stubs(public: Public) -> None:
    hints = typing.get_type_hints(public.function)
    if public.stub is not None:
        assert hints == _stub_hints(public.stub), public.name
        parameters = inspect.signature(public.function).parameters
        for name, parameter in parameters.items():  # help() shows the same types
            if name in hints:
                assert typing.get_type_hints(_holder(parameter.annotation))["x"] == hints[name], name


def _holder(annotation: Any) -> Callable[..., Any]:
    def holder() -> None: ...

    holder.__annotations__ = {"x": annotation}
    return holder


def test_async_twins_document_their_sync_method() -> None:
    twins = [p for p in PUBLIC if p.name.endswith("_async")]
    assert len(twins) >= 19
    for twin in twins:
        assert inspect.iscoroutinefunction(twin.function)
        cls, _, name = twin.name.rpartition(".")
        sync = getattr(getattr(x_api_auth, cls), name[: -len("_async")])
        assert twin.doc and twin.doc.startswith("The asyncio twin of"), twin.name
        assert sync.__doc__ and sync.__doc__.strip() in twin.doc, twin.name
        assert inspect.signature(twin.function) == inspect.signature(sync), twin.name


def test_help_shows_real_parameters() -> None:
    for module in (x_api_auth, testing):
        text = pydoc.render_doc(module, renderer=pydoc.plaintext)
        assert "*args: 'Any'" not in text and "**kwargs: 'Any'" not in text
        assert "Return an attribute of instance" not in text  # a property without its own doc
    text = pydoc.render_doc(x_api_auth.XAuth.obtain_bearer, renderer=pydoc.plaintext)
    assert "obtain_bearer(self, /, consumer: x_api_auth.ConsumerKeys) -> x_api_auth.BearerToken" in text
    assert "bearer token" in text


def test_constructors_without_one_say_so() -> None:
    for cls in (x_api_auth.RateLimit, x_api_auth.ApiResponse, x_api_auth.RequestToken):
        assert list(inspect.signature(cls).parameters) == []
        assert "Not built directly" in (cls.__new__.__doc__ or "")
        with pytest.raises(x_api_auth.errors.InvalidTypeError):
            cls()


def _python39() -> str | None:
    for candidate in ("python3.9", os.path.expanduser("~/.pyenv/versions/3.9.18/bin/python")):
        path = shutil.which(candidate)
        if path and subprocess.run([path, "--version"], capture_output=True).returncode == 0:
            return path
    return None


@pytest.mark.skipif(_python39() is None, reason="no Python 3.9 here")
def test_python_39_imports_the_package_with_string_annotations() -> None:
    code = (
        "import typing, x_api_auth as x\n"
        "hints = x.XAuth.obtain_bearer.__annotations__\n"
        "assert hints == {'consumer': x.ConsumerKeys, 'return': x.BearerToken}, hints\n"
        "assert x.OAuth1.authorization_header.__annotations__['nonce'] == 'str | None'\n"
    )
    python = _python39()
    assert python is not None
    result = subprocess.run(
        [python, "-c", code],
        env={**os.environ, "PYTHONPATH": str(PACKAGE.parent)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
