from pytest_django.fixtures import _get_databases_for_test

def test_w(live_server, page, request):
    for it in request.session.items:
        print(it.nodeid, _get_databases_for_test(it), it.get_closest_marker("django_db"))
