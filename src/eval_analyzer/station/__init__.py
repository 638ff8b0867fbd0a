"""The shared result store ("station", README "Team server and station"): a folder of `<dataset>/<model>.json` files many sessions share."""
