"""The provincial systems simulator: the one-stop system's and the payment platform's HTTP
contract (``shared/spec/source-api.md``) over real HTTP, with generated or scenario data, a
clock and faults on demand. See docs/simulator.md.
"""

from simulator.clock import ENTITIES, cut_to
from simulator.config import FaultRates, SimulatorConfig
from simulator.province import Province
from simulator.scenario import ScenarioData, ScenarioError
from simulator.server import RunningSimulator, start_simulator
from simulator.sources import DataSource, catalogue_records, window_records

__all__ = [
    "ENTITIES",
    "DataSource",
    "FaultRates",
    "Province",
    "RunningSimulator",
    "ScenarioData",
    "ScenarioError",
    "SimulatorConfig",
    "catalogue_records",
    "cut_to",
    "start_simulator",
    "window_records",
]
