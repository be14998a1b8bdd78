"""The synthetic Kerman-like study: a physically grounded benchmark with known truth.

:func:`lsm.synthetic.write.generate_study` writes a complete study in the data contract (DEM, land
use, lithology, faults, roads, rivers, inventory, rainfall cube, reservoir and levels, study.yaml)
plus ``truth/``, deterministically from one seed. Submodules by concern:

- :mod:`.settings`  the generator's parameters (params.yaml ``synthetic:`` block, presets)
- :mod:`.landscape` terrain, rivers, reservoir, faults, towns, roads, lithology, land use, soil
- :mod:`.forcing`   daily rain (coarse grid), reservoir level, earthquakes
- :mod:`.physics`   infinite-slope factor of safety, wetness and drawdown states, hazard
- :mod:`.simulate`  the daily failure simulation and the inventory a campaign would record
- :mod:`.truth`     the true failure probability of any (location, date), for the oracle
- :mod:`.write`     writing everything to disk

Importing this package is cheap (no geodata libraries): the Snakefile reads the settings from it.
"""
