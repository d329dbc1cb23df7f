from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("token/", views.token_view, name="token"),
    path("reply/<int:article_pk>/", views.reply_view, name="reply"),
    path("post/<int:article_pk>/", views.post_view, name="post"),
]
