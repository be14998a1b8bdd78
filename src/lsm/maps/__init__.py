"""Susceptibility maps at any size: exact dense inference streamed through raster windows.

- :mod:`lsm.maps.windows`: factor windows with a halo of the patch radius, ready for the models
- :mod:`lsm.maps.stream`: tiles mapped window by window, mosaicked into Cloud-Optimized GeoTIFFs
- :mod:`lsm.maps.classes`: low/medium/high classes, their shares, densities and rate curves
- :mod:`lsm.maps.style`: the QGIS style file of the class raster
"""
