#!/usr/bin/env escript
%% A receive with a timeout that matches nothing times out and leaves the mailbox alone.
-module(receive_timeout).
-mode(compile).
-export([main/1]).
-compile([nowarn_unused_function]).

%% Canonical trace helpers (the same in every scenario).
t(F, A) -> io:format(F ++ "~n", A).
r({'EXIT', R}) -> r(R);
r(R) when is_atom(R) -> R;
r(R) when is_tuple(R), tuple_size(R) > 0 -> r(element(1, R));
r(_) -> other.
quiet() -> logger:set_primary_config(level, none).
down(Pid) ->
    receive {'DOWN', _, process, Pid, R} -> r(R) after 5000 -> no_down end.
main(_) ->
    quiet(),
    self() ! y,
    receive x -> t("got x", []) after 20 -> t("timeout", []) end,
    receive M -> t("got ~p", [M]) after 0 -> t("empty", []) end.
