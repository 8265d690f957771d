import json

import numpy as np
import pytest

from analytics.calendar import CampusCalendar
from analytics.forecast import make_model
from analytics.persistence import ModelFileError, load_model, save_model


@pytest.mark.parametrize("name", ["seasonal-naive", "weekly-median", "lag-boost", "blend", "prophet"])
def test_reloaded_model_forecasts_the_same(room, tmp_path, name):
    model = make_model(name, CampusCalendar(country="IN")).fit(room)
    model.params["correct"] = True
    folder = save_model(model, tmp_path / name)
    files = {p.name for p in folder.iterdir()}
    assert "meta.json" in files and not any(f.endswith((".pkl", ".pickle", ".joblib")) for f in files)
    again = load_model(folder)
    assert again.name == name and again.calendar == model.calendar and again.params == model.params
    np.testing.assert_allclose(again.forecast(room, 72).to_numpy(), model.forecast(room, 72).to_numpy(), rtol=1e-6, atol=1e-6)


def test_prophet_is_stored_as_prophet_json(room, tmp_path):
    folder = save_model(make_model("prophet").fit(room), tmp_path / "p")
    json.loads((folder / "prophet.json").read_text())


def test_missing_or_broken_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ModelFileError, match="no saved model"):
        load_model(tmp_path)
    (tmp_path / "meta.json").write_text("{broken")
    with pytest.raises(ModelFileError, match="not valid JSON"):
        load_model(tmp_path)
