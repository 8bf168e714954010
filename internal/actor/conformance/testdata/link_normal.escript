#!/usr/bin/env escript
%% A normal exit does not travel over a link.
-module(link_normal).
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
    A = spawn(fun() ->
        %% B waits to be told: linked while it lives, not racing its end
        %% (a link to a dead pid brings an exit signal, noproc).
        {B, _} = spawn_monitor(fun() -> receive go -> ok end end),
        link(B),
        B ! go,
        down(B),
        receive ping -> Main ! pong end
    end),
    A ! ping,
    receive pong -> t("a alive", []) after 5000 -> t("a dead", []) end.
