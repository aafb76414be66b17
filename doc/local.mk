dist_man_MANS = doc/gcrunner.1
