#!/usr/bin/env escript
%% A process that sends itself exit(self(), normal) dies with reason normal.
-module(exit_self_normal).
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
    Main = self(),
    {P, _} = spawn_monitor(fun() -> exit(self(), normal), receive after 0 -> ok end, Main ! still_running end),
    t("down ~p", [down(P)]),
    receive still_running -> t("still running", []) after 100 -> ok end.
