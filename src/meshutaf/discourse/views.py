from django.http import HttpResponse


def corpus_list(request, pk: int):
    return HttpResponse()
