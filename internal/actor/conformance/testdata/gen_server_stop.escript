#!/usr/bin/env escript
%% gen_server:stop runs terminate with the reason and returns ok, for normal and for any other reason.
-module(gen_server_stop).
-mode(compile).
-export([main/1]).
-compile([nowarn_unused_function]).
-behaviour(gen_server).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2, terminate/2]).

%% Canonical trace helpers (the same in every scenario).
t(F, A) -> io:format(F ++ "~n", A).
r({'EXIT', R}) -> r(R);
r(R) when is_atom(R) -> R;
r(R) when is_tuple(R), tuple_size(R) > 0 -> r(element(1, R));
r(_) -> other.
quiet() -> logger:set_primary_config(level, none).
down(Pid) ->
    receive {'DOWN', _, process, Pid, R} -> r(R) after 5000 -> no_down end.
init(Arg) ->
    case Arg of
        trap -> process_flag(trap_exit, true);
        {fail, R} -> exit_init(R);
        _ -> ok
    end,
    {ok, 0}.
exit_init(_) -> ok.
handle_call(get, _From, N) -> {reply, N, N};
handle_call(crash, _From, N) -> {stop, boom, N};
handle_call(never, _From, N) -> {noreply, N};
handle_call({slow, Ms}, _From, N) -> timer:sleep(Ms), {reply, late, N}.
handle_cast(incr, N) -> {noreply, N + 1}.
handle_info(incr, N) -> {noreply, N + 1};
handle_info(_, N) -> {noreply, N}.
terminate(R, _) -> t("terminate ~p", [r(R)]).

main(_) ->
    quiet(),
    {ok, S1} = gen_server:start(?MODULE, none, []),
    t("stop ~p", [gen_server:stop(S1, normal, infinity)]),
    {ok, S2} = gen_server:start(?MODULE, none, []),
    t("stop ~p", [gen_server:stop(S2, boom, infinity)]).
