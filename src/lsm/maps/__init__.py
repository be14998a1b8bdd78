"""Susceptibility maps at any size: exact dense inference streamed through raster windows.

- :mod:`lsm.maps.windows`: factor windows with a halo of the patch radius, ready for the models
- :mod:`lsm.maps.stream`: tiles mapped window by window, mosaicked into Cloud-Optimized GeoTIFFs
- :mod:`lsm.maps.dates`: the typical window, the second reference date of claim C4
- :mod:`lsm.maps.classes`: low/medium/high classes, their shares, densities and rate curves
- :mod:`lsm.maps.style`: the QGIS style file of the class raster
- :mod:`lsm.maps.contrast`: C4 on the map (slope, rain and the shore inside the high class)
- :mod:`lsm.maps.importance`: permutation importance of the factors and series on the test samples
  (beside the maps: its rule is in maps.smk and it reads the factor raster the maps read)
"""
