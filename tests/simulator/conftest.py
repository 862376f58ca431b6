"""Fixtures for the simulator's tests: simulators on free local ports."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from simkit import SMALL, Client

from simulator import RunningSimulator, SimulatorConfig, start_simulator


@pytest.fixture
def simulator_factory() -> Iterator[Callable[..., RunningSimulator]]:
    """Starts simulators on free ports and stops them after the test."""
    running: list[RunningSimulator] = []

    def start(config: SimulatorConfig) -> RunningSimulator:
        running.append(start_simulator(config))
        return running[-1]

    yield start
    for simulator in running:
        simulator.stop()


@pytest.fixture(scope="module")
def small_simulator() -> Iterator[RunningSimulator]:
    with start_simulator(SMALL) as simulator:
        yield simulator


@pytest.fixture(scope="module")
def client(small_simulator: RunningSimulator) -> Client:
    return Client(small_simulator)
