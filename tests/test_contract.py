"""The component base class and the deprecation helper (causalscope.contract)."""

from __future__ import annotations

import warnings

import pytest
from sklearn.linear_model import Ridge

from causalscope.contract import Component, parameter_names, renamed_arguments
from causalscope.exceptions import InvalidParameterError


class Demo(Component):
    def __init__(self, *, model: object = None, alpha: float = 0.05, sizes: tuple[int, ...] = (1, 2)) -> None:
        self.model = model
        self.alpha = alpha
        self.sizes = sizes


def test_params_repr_and_nested_parameters() -> None:
    d = Demo(model=Ridge(alpha=2.0), sizes=(1, 2))
    assert Demo.param_names() == ("model", "alpha", "sizes")
    assert repr(d) == "Demo(model=Ridge(alpha=2.0))"  # only the non-default parameters
    deep = d.get_params(deep=True)
    assert deep["model__alpha"] == 2.0 and "model__alpha" not in d.get_params(deep=False)
    d.set_params(model__alpha=3.0, alpha=0.1)
    assert d.model.alpha == 3.0 and d.alpha == 0.1
    with pytest.raises(InvalidParameterError, match="'nope'.*valid parameters"):
        d.set_params(nope=1)
    with pytest.raises(InvalidParameterError, match="no parameters to set"):
        d.set_params(alpha__x=1)


def test_clone_is_unfitted_and_clones_nested_estimators() -> None:
    d = Demo(model=Ridge(alpha=2.0))
    d.fitted_ = 1
    twin = d.clone()
    assert not hasattr(twin, "fitted_")
    assert twin.model is not d.model and twin.model.get_params() == d.model.get_params()
    assert twin.sizes is d.sizes  # plain values are shared, not copied


def test_parameter_names_of_a_plain_class() -> None:
    class Plain:
        def __init__(self, a: int = 1, *args: object, b: int = 2, **kw: object) -> None: ...

    assert parameter_names(Plain) == ("a", "b")
    assert parameter_names(Demo) == Demo.param_names()


def test_renamed_arguments() -> None:
    @renamed_arguments(old="new")
    def f(*, new: int = 0) -> int:
        return new

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert f(new=2) == 2
    with pytest.warns(DeprecationWarning, match="'old' is deprecated.*use 'new'"):
        assert f(old=3) == 3
    with pytest.raises(InvalidParameterError, match="pass 'new' only"):
        f(old=1, new=2)
