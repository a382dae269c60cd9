"""The suites under conf/quality and the validation results the engine writes are Great Expectations' own format.

Loads every suite with the real great_expectations package (every standard expectation through GE's registry and
its kwargs validation) and a validation-result file written by the Java tests of this module.
"""
import json
import pathlib

import pytest
from great_expectations.core import ExpectationSuite
from great_expectations.core.expectation_validation_result import expectationSuiteValidationResultSchema
from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

HERE = pathlib.Path(__file__).resolve().parent
MODULE = HERE.parents[2]
SUITES = sorted((MODULE.parent / "conf" / "quality").glob("*.json"))
RESULT = MODULE / "target" / "ge-validation-result.json"

# Checks GE has no built-in type for; the engine's own (ExpectationTypes.CUSTOM), written in the same shape.
CUSTOM = {
    "expect_column_values_to_exist_in_table",
    "expect_column_values_to_equal_expression",
    "expect_column_values_to_equal_previous_period_value",
    "expect_column_pct_change_to_be_between",
    "expect_column_max_age_to_be_less_than",
    "expect_metric_to_not_be_anomalous",
}
# Values the configuration gives {"$PARAMETER": name} kwargs (lakehouse.quality.parameters).
PARAMETERS = {"cohort_min_rows": 12}


def to_v1(expectation: dict) -> dict:
    """A 0.x expectation (expectation_type) in GE 1.x's spelling (type); severity from meta."""
    kwargs = {k: (PARAMETERS[v["$PARAMETER"]] if isinstance(v, dict) and "$PARAMETER" in v else v)
              for k, v in expectation.get("kwargs", {}).items()}
    return {
        "type": expectation.get("type") or expectation["expectation_type"],
        "kwargs": kwargs,
        "meta": expectation.get("meta", {}),
        "severity": expectation.get("meta", {}).get("severity", expectation.get("severity", "critical")),
    }


def test_there_are_suites():
    assert len(SUITES) >= 5, SUITES


@pytest.mark.parametrize("path", SUITES, ids=[p.name for p in SUITES])
def test_every_suite_loads_in_great_expectations(path):
    raw = json.loads(path.read_text())
    name = raw.get("name") or raw["expectation_suite_name"]
    assert name == path.stem, "one suite per table, named like its file"
    standard = []
    for e in map(to_v1, raw["expectations"]):
        if e["type"] in CUSTOM:
            assert "column" in e["kwargs"] or "metric" in e["kwargs"], e
            continue
        # GE's registry knows the type, and pydantic validates every kwarg (a bad one raises).
        standard.append(ExpectationConfiguration(**e).to_domain_obj())
    assert standard, f"{path.name} has no standard expectation"
    suite = ExpectationSuite(name=name, expectations=standard, meta=raw.get("meta", {}))
    assert len(suite.expectations) == len(standard)  # GE drops unknown types silently: none was dropped


def test_a_bad_kwarg_is_refused_by_great_expectations_too():
    with pytest.raises(Exception):
        ExpectationConfiguration(type="expect_column_values_to_be_between",
                                 kwargs={"column": "a", "min_value": 0, "mostly": 2}).to_domain_obj()


def test_a_result_file_loads_as_a_great_expectations_validation_result():
    assert RESULT.exists(), f"{RESULT} is written by QualityToolsTest: run the module's unit tests first"
    raw = json.loads(RESULT.read_text())
    result = expectationSuiteValidationResultSchema.load(raw)
    assert result.success is False
    assert result.statistics["evaluated_expectations"] == len(raw["results"]) == 3
    failed = [r for r in result.results if not r.success]
    assert [r.expectation_config.type for r in failed] == ["expect_column_values_to_be_between"]
    assert failed[0].result["unexpected_count"] == 1
    assert failed[0].result["partial_unexpected_list"] == [-5]
    # What GE reads back is what the engine wrote.
    assert result.to_json_dict()["results"][1]["result"] == raw["results"][1]["result"]
