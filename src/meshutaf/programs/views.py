"""Programme and cohort pages (being built)."""


def programme_list(request, **kwargs):
    raise NotImplementedError


def programme_create(request, **kwargs):
    raise NotImplementedError


def programme_detail(request, **kwargs):
    raise NotImplementedError


def programme_edit(request, **kwargs):
    raise NotImplementedError


def cohort_create(request, **kwargs):
    raise NotImplementedError


def cohort_detail(request, **kwargs):
    raise NotImplementedError


def cohort_edit(request, **kwargs):
    raise NotImplementedError


def cohort_phase(request, **kwargs):
    raise NotImplementedError


def quota_list(request, **kwargs):
    raise NotImplementedError


def quota_delete(request, **kwargs):
    raise NotImplementedError
