"""The shared result store ("station", SPEC §7): a folder of `<dataset>/<model>.json` files many sessions share."""
