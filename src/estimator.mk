## Spec, catalogs and the cost/time estimator (issue 3).
