"""Online experiments: model runs served side by side to live traffic, and the evidence to decide between them.

One concept per module, each importing only those before it:

* :mod:`~recommender.experiments.registry`: experiments and arms in the database (create, start, stop, promote);
* :mod:`~recommender.experiments.assignment`: a participant's arm, a keyed hash stable in every process;
* :mod:`~recommender.experiments.exposures`: the first showing of each vacancy per experiment and participant;
* :mod:`~recommender.experiments.serving`: the assigned arm's model, hot-loaded beside the promoted one;
* :mod:`~recommender.experiments.statistics`: intervals, CUPED, sample-ratio check, confidence sequences;
* :mod:`~recommender.experiments.analysis`: the report of an experiment and its decision;
* :mod:`~recommender.experiments.simulation`: experiments on the demo world with its own behaviour model;
* :mod:`~recommender.experiments.cli`: ``prakerja experiment ...``.

docs/experiments.md explains the method for researchers.
"""
