from django.urls import path

from . import feeds, views

urlpatterns = [
    path("live/<int:pk>/updates/", views.poll, name="live_updates"),
    path("live/<int:pk>/entries/<int:entry>/", views.entry, name="live_entry"),
    path("live/<int:pk>/feed/", feeds.LiveEntriesFeed(), name="live_feed"),
]
