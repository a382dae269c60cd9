"""The engine's verdicts are great_expectations' own: the parity suite (every supported standard type) runs on the same
small table through great_expectations' pandas engine here, and each expectation's success, unexpected count and
observed value must equal what the engine wrote to target/ge-parity/result.json (GeParityTest, the module's unit tests).
"""
import json
import math
import pathlib

import pandas as pd
import pytest
import great_expectations as gx
from great_expectations.expectations.expectation_configuration import ExpectationConfiguration
from great_expectations.expectations.registry import list_registered_expectation_implementations

HERE = pathlib.Path(__file__).resolve().parent
MODULE = HERE.parents[2]
DATA = MODULE / "src" / "test" / "resources" / "ge-parity"
RESULT = MODULE / "target" / "ge-parity" / "result.json"
TYPES = MODULE / "target" / "ge-parity" / "types.json"
# The table's columns in the order of the engine's schema (GeParityTest.SCHEMA).
COLUMNS = ["id", "name", "code", "amount", "a", "b", "doc", "mixed", "when"]


# Observed values that are sets (GE reports them as sorted lists or sets).
SETS = {"expect_table_columns_to_match_set", "expect_column_distinct_values_to_be_in_set",
        "expect_column_distinct_values_to_contain_set", "expect_column_distinct_values_to_equal_set",
        "expect_column_most_common_value_to_be_in_set"}


def expectations():
    return json.loads((DATA / "suite.json").read_text())["expectations"]


# The table with its rows, and the same columns with none (GeParityTest writes the engine's result of each).
DATASETS = {"rows": RESULT, "empty": MODULE / "target" / "ge-parity" / "result-empty.json"}
EMPTY_TYPES = {"id": "int64", "name": "object", "code": "object", "amount": "float64", "a": "int64", "b": "float64", "doc": "object", "mixed": "object", "when": "object"}


def frame(dataset):
    if dataset == "empty":
        return pd.DataFrame({c: pd.Series([], dtype=EMPTY_TYPES[c]) for c in COLUMNS})
    rows = [json.loads(line) for line in (DATA / "data.jsonl").read_text().splitlines() if line.strip()]
    return pd.DataFrame(rows, columns=COLUMNS)


@pytest.fixture(scope="module", params=sorted(DATASETS))
def dataset(request):
    context = gx.get_context(mode="ephemeral")
    asset = context.data_sources.add_pandas("parity").add_dataframe_asset("table")
    batch = asset.add_batch_definition_whole_dataframe("whole").get_batch(batch_parameters={"dataframe": frame(request.param)})
    path = DATASETS[request.param]
    assert path.exists(), f"{path} is written by GeParityTest: run the module's unit tests first"
    results = json.loads(path.read_text())["results"]
    return batch, {r["expectation_config"]["meta"]["name"]: r for r in results}


@pytest.fixture(scope="module")
def ours(dataset):
    return dataset[1]


@pytest.fixture(scope="module")
def batch(dataset):
    return dataset[0]


def same(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def plain(value):
    """A GE value as JSON holds it: numpy numbers as Python's, NaN as null, tuples as lists."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def multiset(values):
    return sorted(json.dumps(plain(v), sort_keys=True) for v in values)


def test_the_engine_ran_the_whole_suite(ours):
    assert len(ours) == len(expectations()) == 90


@pytest.mark.parametrize("expectation", expectations(), ids=[e["meta"]["name"] for e in expectations()])
def test_each_verdict_and_count_equal_great_expectations(expectation, batch, ours):
    config = ExpectationConfiguration(type=expectation["type"], kwargs=expectation["kwargs"], meta=expectation["meta"])
    # The engine's default is GE's BASIC (batch.validate defaults to SUMMARY): ask GE for the same format.
    theirs = batch.validate(config.to_domain_obj(), result_format=expectation["kwargs"].get("result_format", "BASIC"))
    mine = ours[expectation["meta"]["name"]]
    assert mine["success"] == theirs.success, (mine["result"], theirs.result)
    if expectation["kwargs"].get("result_format") == "BOOLEAN_ONLY":
        assert mine["result"] == {} and theirs.result == {}, (mine["result"], theirs.result)
        return
    for listed in ("unexpected_list", "unexpected_index_list", "partial_unexpected_counts"):
        if listed in theirs.result:
            assert multiset(mine["result"][listed]) == multiset(theirs.result[listed]), listed
    for count in ("unexpected_count", "missing_count"):
        if count in theirs.result:
            assert mine["result"][count] == theirs.result[count], count
    # (GE 1.24 reports no observed value for the distinct-values types: their counts above are compared.)
    if theirs.result.get("observed_value") is not None:
        observed, expected = mine["result"]["observed_value"], theirs.result["observed_value"]
        if expectation["type"] in SETS:
            observed, expected = sorted(observed, key=str), sorted(expected, key=str)
        if expectation["type"] == "expect_column_quantile_values_to_be_between":
            assert observed["quantiles"] == expected["quantiles"]
            observed, expected = plain(observed["values"]), plain(expected["values"])
            assert len(observed) == len(expected) and all(map(same, observed, expected)), (observed, expected)
            return
        assert same(observed, expected), (observed, expected)


def test_every_core_type_of_great_expectations_is_supported_or_refused_with_a_reason():
    """Enumerated from the installed great_expectations' registry, not from a list written here."""
    assert TYPES.exists(), f"{TYPES} is written by GeParityTest: run the module's unit tests first"
    types = json.loads(TYPES.read_text())
    registered = set(list_registered_expectation_implementations())
    assert len(registered) >= 50, registered
    supported, refused = set(types["supported"]), set(types["refused"])
    assert not supported & refused
    assert registered - supported - refused == set(), "neither supported nor refused"
    assert supported - registered == set(), "supported types GE does not register (custom ones belong to ExpectationTypes.CUSTOM)"
    assert refused - registered == set()
    assert all(len(reason) > 40 for reason in types["refused"].values())


def test_the_parity_suite_covers_every_supported_type_pandas_can_run():
    types = json.loads(TYPES.read_text())
    covered = {e["type"] for e in expectations()}
    # Not on GE's pandas engine (SQL only, or engine-specific type names), compared by hand in GeParityTest instead.
    by_hand = {"expect_column_values_to_match_like_pattern", "expect_column_values_to_not_match_like_pattern",
               "expect_column_values_to_match_like_pattern_list", "expect_column_values_to_not_match_like_pattern_list",
               "unexpected_rows_expectation", "expect_table_row_count_to_equal_other_table",
               "expect_column_values_to_be_in_type_list", "expect_column_type_to_be", "expect_column_values_to_be_of_type"}
    assert set(types["supported"]) - covered - by_hand == set()
