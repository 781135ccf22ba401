"""The synthetic, calibrated demo world (docs/demo-data.md)."""


def generate_world(engine, *, participants: int, seed: int, console=None, **options) -> dict[str, int]:
    """Generate and load a demo world; implemented in prakerja.demo.world (imported lazily: numpy, pandas)."""
    from prakerja.demo.world import generate_world as _generate

    return _generate(engine, participants=participants, seed=seed, console=console, **options)
